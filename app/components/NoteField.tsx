import { TextField } from "@shopify/polaris";
import { PERSONAL_NOTE_MAX_LENGTH } from "../notifications/rules/policy";

/** A personal note staff write to a customer, held to the same length the server checks. */
export function NoteField(props: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  rows: number;
  helpText: string;
  error?: string;
}) {
  return (
    <TextField
      label={props.label}
      name={props.name}
      value={props.value}
      onChange={props.onChange}
      multiline={props.rows}
      maxLength={PERSONAL_NOTE_MAX_LENGTH}
      showCharacterCount
      autoComplete="off"
      helpText={props.helpText}
      error={props.error}
    />
  );
}
