// One booking: who, what, when, price, message; the status actions it allows
// (cancel asks for a reason); and its status history.
import { useState } from "react";
import { Alert, Badge, Button, Drawer, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { commands, type BookingId, type Location, type StatusAction } from "./bindings";
import { appError, call } from "./api";
import { errorText, fieldErrors } from "./errors";

export function BookingDetail({ location, bookingId, onClose }: { location: Location; bookingId: BookingId; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const queries = useQueryClient();
  const [reason, setReason] = useState("");
  const booking = useQuery({ queryKey: ["booking", bookingId], queryFn: () => call(commands.getBooking(bookingId)) });
  const history = useQuery({ queryKey: ["bookingHistory", bookingId], queryFn: () => call(commands.bookingHistory(bookingId)) });
  const act = useMutation({
    mutationFn: (action: StatusAction) =>
      call(commands.changeStatus({ bookingId, action, reason, expectedVersion: booking.data!.rowVersion })),
    onSuccess: () => {
      setReason("");
      void queries.invalidateQueries({ queryKey: ["booking", bookingId] });
      void queries.invalidateQueries({ queryKey: ["bookingHistory", bookingId] });
      void queries.invalidateQueries({ queryKey: ["dayBoard", location.id] });
    },
  });
  const when = new Intl.DateTimeFormat(i18n.language, { timeZone: location.timeZone, dateStyle: "medium", timeStyle: "short" });
  const money = new Intl.NumberFormat(i18n.language, { style: "currency", currency: "UAH" });
  const failed = act.error ? appError(act.error) : null;
  const errors = fieldErrors(failed);
  const b = booking.data;

  return (
    <Drawer opened onClose={onClose} position="right" size="md" title={b ? `${b.patientName} · №${b.patientNumber}` : ""}>
      {booking.isError && <Alert color="red">{errorText(appError(booking.error))}</Alert>}
      {b && (
        <Stack gap="sm">
          <Group gap="xs">
            <Badge variant="light" className={`status-badge status-${b.status}`}>
              {t(`status.${b.status}`)}
            </Badge>
            <Text fw={600}>{b.subjectName}</Text>
          </Group>
          <Text>
            {when.format(new Date(b.startsAt))} · {b.locationName}
          </Text>
          <Text>
            {t("detail.price")}: {money.format(Number(b.price))}
          </Text>
          {b.patientMessage && (
            <Text size="sm" c="dimmed">
              {t("booking.message")}: {b.patientMessage}
            </Text>
          )}
          {b.allowedActions.includes("cancel") && (
            <TextInput label={t("detail.reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} />
          )}
          <Group gap="xs">
            {b.allowedActions.map((action) => (
              <Button
                key={action}
                variant={action === "cancel" || action === "noShow" ? "light" : "filled"}
                color={action === "cancel" || action === "noShow" ? "red" : "teal"}
                loading={act.isPending && act.variables === action}
                onClick={() => act.mutate(action)}
              >
                {t(`action.${action}`)}
              </Button>
            ))}
          </Group>
          {failed && Object.keys(errors).length === 0 && (
            <Alert color="red" role="alert">
              {errorText(failed)}
            </Alert>
          )}
          {failed && errors.action && (
            <Alert color="red" role="alert">
              {errors.action}
            </Alert>
          )}
          <Text fw={600} mt="sm">
            {t("detail.history")}
          </Text>
          <Table striped withTableBorder>
            <Table.Tbody>
              {(history.data ?? []).map((h, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{when.format(new Date(h.changedAt))}</Table.Td>
                  <Table.Td>{t(`status.${h.toStatus}`)}</Table.Td>
                  <Table.Td>{h.changedBy}</Table.Td>
                  <Table.Td>{h.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Drawer>
  );
}
