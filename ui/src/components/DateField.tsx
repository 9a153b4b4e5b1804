// A date typed and shown the way the app's language writes it (30.11.2026),
// never the operating system's locale as a native date input would. ↑ and ↓
// move a day; what cannot be a date is said next to the field.
import { type ReactNode, useEffect, useState } from "react";
import { TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { dateHint, readDate, shiftDate, writeDate } from "../dates";

interface Props {
  label?: string;
  "aria-label"?: string;
  /** YYYY-MM-DD, or "" for none. */
  value: string;
  onChange: (iso: string) => void;
  /** A date may be left empty (a birth date). */
  optional?: boolean;
  error?: ReactNode;
  className?: string;
  w?: number;
}

export function DateField({ label, value, onChange, optional, error, className, w, ...rest }: Props) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const [text, setText] = useState(value ? writeDate(value, language) : "");
  const [invalid, setInvalid] = useState(false);
  // The value changed elsewhere (Today, Next free day) or the language did.
  useEffect(() => {
    setText(value ? writeDate(value, language) : "");
    setInvalid(false);
  }, [value, language]);

  const commit = (typed: string) => {
    if (typed.trim() === "" && optional) {
      setInvalid(false);
      if (value !== "") onChange("");
      return;
    }
    const iso = readDate(typed);
    setInvalid(iso === null);
    if (iso !== null && iso !== value) onChange(iso);
    if (iso !== null) setText(writeDate(iso, language));
  };

  return (
    <TextInput
      label={label}
      aria-label={rest["aria-label"]}
      className={className}
      w={w}
      inputMode="numeric"
      placeholder={dateHint(language)}
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={(e) => commit(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit(e.currentTarget.value);
        if ((e.key === "ArrowUp" || e.key === "ArrowDown") && value) {
          e.preventDefault();
          onChange(shiftDate(value, e.key === "ArrowUp" ? 1 : -1));
        }
      }}
      error={invalid ? t("dates.invalid", { hint: dateHint(language) }) : error}
    />
  );
}
