// Finding a patient by keyboard: one search field (name, phone digits or date
// of birth) whose results are a listbox the arrow keys move through and Enter
// picks (ARIA combobox with aria-activedescendant), so the results are not a
// Tab stop each. Used by the patients screen and the New booking drawer.
import { forwardRef, useEffect, useId, useState } from "react";
import { Text, TextInput } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { read } from "../api/reads";
import { MIN_SEARCH_CHARS, type Patient } from "../bindings";
import { began, LETTERS_TIMED, rendered } from "../felt";
import { useFormats } from "../format";

/** The patients `text` finds, asked at every key (a search costs the server
 * well under a millisecond; waiting for a pause in typing cost a quarter of
 * a second each time); the last matches stay listed until the next come.
 * `asked`: enough is typed to search; `found` is undefined until then. */
export function usePatientSearch(text: string, limit: number) {
  const asked = text.trim().length >= MIN_SEARCH_CHARS;
  const search = useQuery({ ...read.searchPatients(text, limit), enabled: asked, placeholderData: keepPreviousData });
  useEffect(() => {
    if (search.data !== undefined && !search.isPlaceholderData) rendered("lettersToMatches");
  }, [search.data, search.isPlaceholderData]);
  return { asked, found: asked ? search.data : undefined, error: search.isError ? search.error : null };
}

interface Props {
  label: string;
  placeholder?: string;
  value: string;
  onChange: (text: string) => void;
  /** What the search found; undefined while nothing was asked. */
  found: Patient[] | undefined;
  onPick: (patient: Patient) => void;
  autoFocus?: boolean;
  width?: number;
}

export const PatientCombobox = forwardRef<HTMLInputElement, Props>(function PatientCombobox(
  { label, placeholder, value, onChange, found, onPick, autoFocus, width },
  ref,
) {
  const { t } = useTranslation();
  const formats = useFormats();
  const id = useId();
  const [active, setActive] = useState(0);
  const options = found ?? [];
  // biome-ignore lint/correctness/useExhaustiveDependencies: new results start again at the first
  useEffect(() => setActive(0), [found]);
  const optionId = (i: number) => `${id}-option-${i}`;

  return (
    <div>
      <TextInput
        ref={ref}
        label={label}
        placeholder={placeholder}
        value={value}
        onChange={(e) => {
          const next = e.currentTarget.value;
          // Timed from the letter that makes LETTERS_TIMED to its matches painted.
          if (next.trim().length === LETTERS_TIMED && value.trim().length < LETTERS_TIMED) began("lettersToMatches");
          onChange(next);
        }}
        w={width}
        data-autofocus={autoFocus || undefined}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={options.length > 0}
        aria-controls={`${id}-list`}
        aria-activedescendant={options.length > 0 ? optionId(Math.min(active, options.length - 1)) : undefined}
        onKeyDown={(e) => {
          if (options.length === 0) return;
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.min(Math.max(a + (e.key === "ArrowDown" ? 1 : -1), 0), options.length - 1));
          } else if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) {
            e.preventDefault();
            onPick(options[Math.min(active, options.length - 1)]);
          }
        }}
      />
      <div id={`${id}-list`} role="listbox" aria-label={t("booking.results")} className="patient-options">
        {options.map((p, i) => (
          <div
            key={p.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className={i === active ? "patient-option active" : "patient-option"}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => onPick(p)}
          >
            <span className="patient-name">{p.fullName}</span>
            <span className="patient-detail">
              №{p.patientNumber}
              {p.phone ? ` · ${p.phone}` : ""}
              {p.dateOfBirth ? ` · ${formats.date(p.dateOfBirth)}` : ""}
            </span>
          </div>
        ))}
      </div>
      {found?.length === 0 && (
        <Text size="sm" c="dimmed" mt={4}>
          {t("patients.none")}
        </Text>
      )}
    </div>
  );
});
