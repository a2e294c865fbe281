// A brand colour: Polaris's ColorPicker in a popover, opened from the swatch, beside the hex field it
// keeps in step (the field is what the form submits and the server validates; typing a hex still works).
import { Button, ColorPicker, type HSBColor, hexToRgb, hsbToHex, Popover, rgbToHsb, TextField } from "@shopify/polaris";
import { useState } from "react";
import { isHexColor } from "../../lib/html";
import { useT } from "../I18n";

function toHsb(hex: string): HSBColor {
  return rgbToHsb(hexToRgb(isHexColor(hex.trim()) ? hex.trim() : "#000000"));
}

export function ColorField({
  name,
  label,
  value,
  onChange,
  error,
}: {
  name: string;
  label: string;
  value: string;
  onChange: (hex: string) => void;
  error?: string;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const swatch = (
    <span
      aria-hidden
      style={{
        display: "inline-block",
        width: 20,
        height: 20,
        borderRadius: 4,
        border: "1px solid var(--p-color-border)",
        background: isHexColor(value.trim()) ? value.trim() : "transparent",
      }}
    />
  );
  return (
    <TextField
      label={label}
      name={name}
      value={value}
      onChange={onChange}
      error={error}
      autoComplete="off"
      maxLength={7}
      connectedLeft={
        <Popover
          active={open}
          onClose={() => setOpen(false)}
          activator={
            <Button
              icon={swatch}
              accessibilityLabel={t("settings.branding.pick", { label })}
              onClick={() => setOpen((o) => !o)}
            />
          }
        >
          <Popover.Section>
            <ColorPicker color={toHsb(value)} onChange={(c) => onChange(hsbToHex(c))} />
          </Popover.Section>
        </Popover>
      }
    />
  );
}
