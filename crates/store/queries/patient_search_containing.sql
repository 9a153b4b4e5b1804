SELECT patient_id AS "id: PatientId", patient_number, full_name, phone, email, date_of_birth,
       notes, row_version, created_at
  FROM patients
 WHERE full_name ILIKE $2
   AND NOT starts_with(lower(full_name), lower($1))
   AND NOT starts_with(split_part(lower(full_name), ' ', 2), lower($1))
   AND NOT starts_with(split_part(lower(full_name), ' ', 3), lower($1))
 ORDER BY full_name, patient_number
 LIMIT $3
