SELECT patient_id AS "id!: PatientId", patient_number AS "patient_number!", full_name AS "full_name!",
       phone, email, date_of_birth, notes AS "notes!", row_version AS "row_version!",
       created_at AS "created_at!"
  FROM (
    (SELECT *, 1 AS rank FROM patients
      WHERE lower(full_name) COLLATE "C" >= lower($1)
        AND lower(full_name) COLLATE "C" < lower($1) || chr(1114111)
      ORDER BY lower(full_name) COLLATE "C" LIMIT $2)
    UNION ALL
    (SELECT *, 2 FROM patients
      WHERE split_part(lower(full_name), ' ', 2) COLLATE "C" >= lower($1)
        AND split_part(lower(full_name), ' ', 2) COLLATE "C" < lower($1) || chr(1114111)
        AND NOT starts_with(lower(full_name), lower($1))
      ORDER BY split_part(lower(full_name), ' ', 2) COLLATE "C" LIMIT $2)
    UNION ALL
    (SELECT *, 2 FROM patients
      WHERE split_part(lower(full_name), ' ', 3) COLLATE "C" >= lower($1)
        AND split_part(lower(full_name), ' ', 3) COLLATE "C" < lower($1) || chr(1114111)
        AND NOT starts_with(lower(full_name), lower($1))
        AND NOT starts_with(split_part(lower(full_name), ' ', 2), lower($1))
      ORDER BY split_part(lower(full_name), ' ', 3) COLLATE "C" LIMIT $2)
    LIMIT $2) hits
 ORDER BY rank, full_name, patient_number
