// Diagnostic results: attach PDF/JPEG/PNG files to a diagnostic booking by
// dropping them or choosing them (the webview's file chooser), each with a
// progress bar; list, preview inside the app, save a copy, checksum shown.
import { useState } from "react";
import { Alert, Button, Code, Group, Modal, Progress, Stack, Table, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Channel } from "@tauri-apps/api/core";
import { useDropzone, type FileRejection } from "react-dropzone";
import { useTranslation } from "react-i18next";
import {
  commands,
  MAX_RESULT_BYTES,
  RESULT_FILE_TYPES,
  type AppError,
  type BookingId,
  type ResultFile,
  type UploadProgress,
} from "../../bindings";
import { appError, call, clinicUrl, stageFile } from "../../api/call";
import { read, refetch } from "../../api/reads";
import { errorText } from "../../errors";
import { useFormats } from "../../format";
import { uuidv7 } from "../../ids";

/** The domain's file kinds, as the chooser wants them; the station checks
 * the contents again, this only saves sending a file it would refuse. */
const ACCEPTED = Object.fromEntries(RESULT_FILE_TYPES.map((kind) => [kind.mediaType, [...kind.extensions]]));

interface Upload {
  key: string;
  name: string;
  size: number;
  sent: number;
  stage: "sending" | "storing" | "done" | "failed";
  error: AppError | string | null;
}

/** The results of one diagnostic booking, with the upload zone. */
/** A diagnostic booking's result files; new ones can be added while the
 * booking accepts them (`Booking.acceptsResults`, the domain's rule). */
export function BookingResults({
  bookingId,
  timeZone,
  acceptsUploads,
}: {
  bookingId: BookingId;
  timeZone: string;
  acceptsUploads: boolean;
}) {
  const { t } = useTranslation();
  const formats = useFormats();
  const queries = useQueryClient();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const results = useQuery(read.bookingResults(bookingId));
  const patch = (key: string, change: Partial<Upload>) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const upload = async (file: File) => {
    const resultId = uuidv7();
    setUploads((all) => [...all, { key: resultId, name: file.name, size: file.size, sent: 0, stage: "sending", error: null }]);
    try {
      await stageFile(resultId, file, (sent) => patch(resultId, { sent }));
      patch(resultId, { stage: "storing" });
      const progress = new Channel<UploadProgress>();
      progress.onmessage = (p) => p.stage === "done" && patch(resultId, { stage: "done" });
      await call(commands.attachStagedResult(resultId, bookingId, file.name, progress));
      patch(resultId, { stage: "done" });
      void refetch(queries, "bookingResults", bookingId);
      void refetch(queries, "patientResults");
    } catch (failure) {
      patch(resultId, { stage: "failed", error: appError(failure) });
    }
  };
  const rejected = (rejections: FileRejection[]) =>
    setUploads((all) => [
      ...all,
      ...rejections.map((r) => ({
        key: uuidv7(),
        name: r.file.name,
        size: r.file.size,
        sent: 0,
        stage: "failed" as const,
        error: r.file.size > MAX_RESULT_BYTES ? t("results.tooLarge", { size: formats.bytes(r.file.size) }) : t("results.wrongType"),
      })),
    ]);
  const zone = useDropzone({
    accept: ACCEPTED,
    maxSize: MAX_RESULT_BYTES,
    multiple: true,
    noClick: true,
    onDropAccepted: (files) => files.forEach((file) => void upload(file)),
    onDropRejected: rejected,
  });

  return (
    <Stack gap="xs">
      {acceptsUploads && (
        <div {...zone.getRootProps({ className: `dropzone${zone.isDragActive ? " dropzone-active" : ""}` })}>
          <input {...zone.getInputProps({ "aria-label": t("results.choose") })} data-testid="result-file-input" />
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">{t("results.dropHere")}</Text>
            <Button variant="light" onClick={zone.open}>
              {t("results.choose")}
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            {t("results.accepted", { size: formats.bytes(MAX_RESULT_BYTES) })}
          </Text>
        </div>
      )}
      <Stack gap={4} aria-live="polite">
        {uploads.map((u) => (
          <div key={u.key} className="upload-row">
            <Group justify="space-between" gap="xs" wrap="nowrap">
              <Text size="sm" truncate>
                {u.name} · {formats.bytes(u.size)}
              </Text>
              <Text size="sm" c={u.stage === "failed" ? "red.8" : "dimmed"}>
                {t(`results.stage.${u.stage}`)}
              </Text>
            </Group>
            {u.stage !== "failed" && (
              <Progress
                value={u.stage === "sending" ? (u.size ? (100 * u.sent) / u.size : 100) : 100}
                animated={u.stage === "storing"}
                aria-label={t("results.progress", { name: u.name })}
              />
            )}
            {u.error && (
              <Text size="sm" c="red.8" role="alert">
                {typeof u.error === "string" ? u.error : errorText(u.error)}
              </Text>
            )}
          </div>
        ))}
      </Stack>
      {results.isError && <Alert color="red">{errorText(appError(results.error))}</Alert>}
      <ResultList results={results.data ?? []} timeZone={timeZone} />
    </Stack>
  );
}

/** Stored results: name, size, checksum, who uploaded; preview and save a copy. */
export function ResultList({
  results,
  timeZone,
  showDiagnostic = false,
}: {
  results: ResultFile[];
  timeZone?: string;
  showDiagnostic?: boolean;
}) {
  const { t } = useTranslation();
  const formats = useFormats(timeZone);
  const [preview, setPreview] = useState<ResultFile | null>(null);
  const copy = useMutation({
    mutationFn: async (result: ResultFile) => {
      const path = await call(commands.chooseSavePath("resultCopy", result.fileName));
      return path ? call(commands.saveResultCopy(result.id, path)) : null;
    },
  });
  if (results.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t("results.none")}
      </Text>
    );
  return (
    <>
      <Table striped withTableBorder verticalSpacing={4} fz="sm">
        <Table.Tbody>
          {results.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {r.fileName}
                </Text>
                <Text size="xs" c="dimmed">
                  {showDiagnostic && `${r.diagnosticName} · `}
                  {formats.bytes(r.byteSize)} · {formats.dateTime(r.createdAt)} · {r.uploadedBy}
                </Text>
                <Text size="xs" c="dimmed">
                  SHA-256{" "}
                  <Code fz="xs" style={{ wordBreak: "break-all" }}>
                    {r.sha256}
                  </Code>
                </Text>
              </Table.Td>
              <Table.Td w={1}>
                <Group gap={4} wrap="nowrap">
                  <Button size="xs" variant="light" onClick={() => setPreview(r)}>
                    {t("results.preview")}
                  </Button>
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => copy.mutate(r)}
                    loading={copy.isPending && copy.variables?.id === r.id}
                  >
                    {t("results.saveCopy")}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {copy.isError && (
        <Alert color="red" role="alert">
          {errorText(appError(copy.error))}
        </Alert>
      )}
      {copy.data && (
        <Text size="sm" c="clinic.9" role="status">
          {t("results.saved", { name: copy.data.fileName })}
        </Text>
      )}
      <Modal opened={preview !== null} onClose={() => setPreview(null)} size="xl" title={preview?.fileName}>
        {preview &&
          (preview.mediaType === "application/pdf" ? (
            // Sandboxed: the file can neither navigate the app nor open windows, forms or downloads.
            <iframe
              className="result-preview"
              sandbox="allow-scripts allow-same-origin"
              src={clinicUrl("result", preview.id)}
              title={preview.fileName}
            />
          ) : (
            <img className="result-preview-image" src={clinicUrl("result", preview.id)} alt={preview.fileName} />
          ))}
      </Modal>
    </>
  );
}
