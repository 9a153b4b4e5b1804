// The one pattern for forms: @mantine/form holds the values; there is no
// validator here (the Rust domain is the only one), and when the station
// refuses a save its field error lands on the field it names. A refusal
// about a field the form does not show becomes the form's general line.
import { useForm, type UseFormReturnType } from "@mantine/form";
import { type ReactNode, useState } from "react";
import { appError } from "../api/call";
import { errorText, fieldErrors } from "../errors";

export interface ServerForm<T> {
  form: UseFormReturnType<T>;
  /** A refusal no field of this form shows, in the person's language. */
  general: string | null;
  /** For a mutation's `onError`. */
  refused: (failure: unknown) => void;
  /** For a mutation's `onMutate`: a new attempt starts without old errors. */
  clear: () => void;
}

export function useServerForm<T extends Record<string, unknown>>(initialValues: T, onValuesChange?: (values: T) => void): ServerForm<T> {
  const form = useForm<T>({ mode: "controlled", initialValues, onValuesChange });
  const [general, setGeneral] = useState<string | null>(null);
  const refused = (failure: unknown) => {
    const failed = appError(failure);
    const fields = fieldErrors(failed);
    const shown = Object.keys(fields).length > 0 && Object.keys(fields).every((field) => field in form.getValues());
    form.setErrors(shown ? fields : {});
    setGeneral(shown ? null : errorText(failed));
  };
  const clear = () => {
    form.clearErrors();
    setGeneral(null);
  };
  return { form, general, refused, clear };
}

/** The form element of a `ServerForm`: Enter submits; the browser's own
 * checks are off, as the domain decides (and says why in the person's language). */
export function FormOf<T extends Record<string, unknown>>({
  form,
  onSubmit,
  children,
}: {
  form: ServerForm<T>;
  onSubmit: (values: T) => void;
  children: ReactNode;
}) {
  return (
    <form noValidate onSubmit={form.form.onSubmit(onSubmit)}>
      {children}
    </form>
  );
}
