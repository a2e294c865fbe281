// A date-range picker in a popover, as Polaris' date-picking pattern describes: presets on the side,
// a two-month range calendar, and Apply. The range lives in the URL (?from=YYYY-MM-DD&to=YYYY-MM-DD,
// both days inclusive, UTC) so it survives reloads and can be shared.
import { useSearchParams } from "@remix-run/react";
import { Box, Button, DatePicker, InlineStack, OptionList, Popover } from "@shopify/polaris";
import { CalendarIcon } from "@shopify/polaris-icons";
import { useState } from "react";

const PRESETS = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
  { value: "365", label: "Last 365 days" },
];

// Polaris' DatePicker works in local calendar days: convert at the edges only.
function utcDay(iso: string): Date {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

function localIsoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `from` and `to` are inclusive days ("YYYY-MM-DD"); `today` anchors the presets. */
export function DateRangePicker({ from, to, today }: { from: string; to: string; today: string }) {
  const [params, setParams] = useSearchParams();
  const [open, setOpen] = useState(false);
  const [range, setRange] = useState({ start: utcDay(from), end: utcDay(to) });
  const [{ month, year }, setView] = useState({ month: utcDay(to).getMonth(), year: utcDay(to).getFullYear() });

  const apply = (start: Date, end: Date) => {
    const next = new URLSearchParams(params);
    next.set("from", localIsoDay(start));
    next.set("to", localIsoDay(end));
    next.delete("cursor");
    next.delete("direction");
    setParams(next);
    setOpen(false);
  };
  const preset = (days: number) => {
    const end = utcDay(today);
    const start = new Date(end.getFullYear(), end.getMonth(), end.getDate() - (days - 1));
    setRange({ start, end });
    setView({ month: end.getMonth(), year: end.getFullYear() });
  };
  const label = `${from} – ${to}`;

  return (
    <Popover
      active={open}
      autofocusTarget="none"
      preferredAlignment="right"
      fluidContent
      onClose={() => setOpen(false)}
      activator={
        <Button icon={CalendarIcon} onClick={() => setOpen((o) => !o)} accessibilityLabel={`Date range: ${label}`}>
          {label}
        </Button>
      }
    >
      <Popover.Pane fixed>
        <InlineStack wrap={false} align="start" blockAlign="start">
          <Box minWidth="160px">
            <OptionList options={PRESETS} selected={[]} onChange={(selected) => preset(Number(selected[0] ?? 30))} />
          </Box>
          <Box padding="400" maxWidth="520px">
            <DatePicker
              month={month}
              year={year}
              onMonthChange={(m, y) => setView({ month: m, year: y })}
              onChange={({ start, end }) => setRange({ start, end })}
              selected={range}
              disableDatesAfter={utcDay(today)}
              multiMonth
              allowRange
            />
          </Box>
        </InlineStack>
      </Popover.Pane>
      <Popover.Pane fixed>
        <Box padding="300">
          <InlineStack align="end" gap="200">
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button variant="primary" onClick={() => apply(range.start, range.end)}>
              Apply
            </Button>
          </InlineStack>
        </Box>
      </Popover.Pane>
    </Popover>
  );
}
