using System.Text;
using Comms.Audience.Persistence;
using Comms.Contracts.Mis;
using Comms.ServiceDefaults.Imports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Comms.Audience.Features.Imports;

public sealed record ImportRequest(Guid Id, string ClinicId, string Caller, Stream Body, Encoding? DeclaredEncoding);

/// <summary>What an import did: its record, or the header's problems when nothing could be read.</summary>
public sealed record ImportOutcome(AudienceImport? Import, Dictionary<string, string[]> HeaderErrors);

/// <summary>
/// The history imports, so that a clinic has its analytics on day one. A file is streamed once: each row is checked
/// and copied (PostgreSQL's binary COPY) into a staging table, then merged into the history in one statement, all in
/// one transaction. Rows that fail their checks are listed with their line and reason and the rest are taken. The
/// same file imported twice leaves the same state: a row's key is its appointment id when the file gives one (then it
/// is the same visit the MIS's events tell of), else the visit's identity (patient, day, service, doctor) and its
/// occurrence in the file.
/// </summary>
public sealed partial class HistoryImporter(
    AudienceDbContext db,
    TimeProvider time,
    IOptions<ImportOptions> options,
    ILogger<HistoryImporter> logger)
{
    public static readonly string[] VisitColumns = ["patientId", "date", "amount", "status"];
    public static readonly string[] VisitOptionalColumns = ["discount", "serviceCode", "doctorId", "cancelledBy", "courseId", "appointmentId"];
    public static readonly string[] PatientColumns = ["patientId"];
    public static readonly string[] PatientOptionalColumns = ["birthDate", "sex", "city", "district", "acquisitionSource", "referredBy"];

    public Task<ImportOutcome> ImportVisitsAsync(ImportRequest request, CancellationToken cancellationToken) =>
        RunAsync(request, ImportKinds.Visits, VisitColumns, VisitOptionalColumns, VisitStage, ReadVisit, MergeVisits, cancellationToken);

    public Task<ImportOutcome> ImportPatientsAsync(ImportRequest request, CancellationToken cancellationToken) =>
        RunAsync(request, ImportKinds.Patients, PatientColumns, PatientOptionalColumns, PatientStage, ReadPatient, MergePatients, cancellationToken);

    private const string VisitStage = """
        CREATE TEMP TABLE stage (line int, patient_id text, day date, amount numeric, status text, discount numeric,
            service_code text, doctor_id text, cancelled_by text, course_id text, appointment_id text) ON COMMIT DROP
        """;

    private const string PatientStage = """
        CREATE TEMP TABLE stage (line int, patient_id text, birth_date date, sex text, city text, district text,
            acquisition_source text, referred_by text) ON COMMIT DROP
        """;

    private const string MergeVisits = """
        INSERT INTO patients ("ClinicId", "PatientId", "UpdatedAt")
        SELECT DISTINCT @clinic, patient_id, @now FROM stage
        ON CONFLICT DO NOTHING;
        INSERT INTO visits ("ClinicId", "VisitKey", "PatientId", "Date", "Status", "Amount", "Discount", "ServiceCode",
            "DoctorId", "CourseId", "CancelledBy", "Version", "DetailsVersion", "Source", "UpdatedAt")
        SELECT DISTINCT ON (key) @clinic, key, patient_id, day, status, amount, discount, service_code, doctor_id, course_id,
            cancelled_by, 0, 0, 'import', @now
        FROM (
            SELECT s.*, CASE WHEN appointment_id IS NOT NULL THEN 'a:' || appointment_id
                ELSE 'i:' || md5(patient_id || '|' || day || '|' || coalesce(service_code, '') || '|' || coalesce(doctor_id, ''))
                    || ':' || row_number() OVER (PARTITION BY patient_id, day, service_code, doctor_id, appointment_id IS NULL ORDER BY line) END AS key
            FROM stage s) keyed
        ORDER BY key, line DESC
        ON CONFLICT ("ClinicId", "VisitKey") DO UPDATE SET
            "PatientId" = EXCLUDED."PatientId", "Date" = EXCLUDED."Date", "Status" = EXCLUDED."Status",
            "Amount" = EXCLUDED."Amount", "Discount" = EXCLUDED."Discount", "ServiceCode" = EXCLUDED."ServiceCode",
            "DoctorId" = EXCLUDED."DoctorId", "CourseId" = EXCLUDED."CourseId", "CancelledBy" = EXCLUDED."CancelledBy",
            "UpdatedAt" = EXCLUDED."UpdatedAt"
        WHERE visits."Source" = 'import'
        """;

    private const string MergePatients = """
        INSERT INTO patients ("ClinicId", "PatientId", "BirthDate", "Sex", "City", "District", "AcquisitionSource", "ReferredBy", "UpdatedAt")
        SELECT DISTINCT ON (patient_id) @clinic, patient_id, birth_date, sex, city, district, acquisition_source, referred_by, @now
        FROM stage ORDER BY patient_id, line DESC
        ON CONFLICT ("ClinicId", "PatientId") DO UPDATE SET
            "BirthDate" = COALESCE(EXCLUDED."BirthDate", patients."BirthDate"),
            "Sex" = COALESCE(EXCLUDED."Sex", patients."Sex"),
            "City" = COALESCE(EXCLUDED."City", patients."City"),
            "District" = COALESCE(EXCLUDED."District", patients."District"),
            "AcquisitionSource" = COALESCE(EXCLUDED."AcquisitionSource", patients."AcquisitionSource"),
            "ReferredBy" = COALESCE(EXCLUDED."ReferredBy", patients."ReferredBy"),
            "UpdatedAt" = EXCLUDED."UpdatedAt"
        """;

    private delegate bool RowReader(SheetRow row, List<(string Field, string Reason)> problems, out Action<NpgsqlBinaryImporter>? write);

    private async Task<ImportOutcome> RunAsync(
        ImportRequest request, string kind, string[] required, string[] optional, string stage,
        RowReader read, string merge, CancellationToken cancellationToken)
    {
        // Spooled to a temporary file first: the request's body cannot be read synchronously, the CSV reader reads so.
        var settings = options.Value;
        await using var file = await ImportFile.SpoolAsync(request.Body, request.DeclaredEncoding, settings.MaxFileBytes, cancellationToken);
        using var reader = file.OpenReader();
        var (sheet, headerErrors) = CsvSheet.Open(reader, required, optional);
        if (sheet is null)
        {
            return new ImportOutcome(null, headerErrors);
        }

        var import = new AudienceImport
        {
            Id = request.Id, ClinicId = request.ClinicId, Kind = kind, Caller = request.Caller, StartedAt = time.GetUtcNow(),
        };
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(stage, cancellationToken);

        var rejections = new List<AudienceImportRejection>();
        var problems = new List<(string Field, string Reason)>();
        var columns = kind == ImportKinds.Visits
            ? "line, patient_id, day, amount, status, discount, service_code, doctor_id, cancelled_by, course_id, appointment_id"
            : "line, patient_id, birth_date, sex, city, district, acquisition_source, referred_by";
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY stage ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            while (sheet.TryRead(out var row))
            {
                import.Rows++;
                problems.Clear();
                if (row.Error is not null)
                {
                    problems.Add(("row", row.Error));
                }
                else if (read(row, problems, out var write) && problems.Count == 0)
                {
                    await copy.StartRowAsync(cancellationToken);
                    copy.Write(row.Line, NpgsqlDbType.Integer);
                    write!(copy);
                    import.Applied++;
                    continue;
                }

                import.Rejected++;
                if (rejections.Count < settings.MaxStoredRejections)
                {
                    rejections.AddRange(problems.Select(p => new AudienceImportRejection { ImportId = import.Id, Line = row.Line, Field = p.Field, Reason = p.Reason }));
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await db.Database.ExecuteSqlRawAsync(merge,
            [new NpgsqlParameter("clinic", request.ClinicId), new NpgsqlParameter("now", time.GetUtcNow())], cancellationToken);
        import.FinishedAt = time.GetUtcNow();
        db.Imports.Add(import);
        db.ImportRejections.AddRange(rejections);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogImported(logger, kind, import.Id, import.Applied, import.Rejected);
        return new ImportOutcome(import, headerErrors);
    }

    private static bool ReadVisit(SheetRow row, List<(string Field, string Reason)> problems, out Action<NpgsqlBinaryImporter>? write)
    {
        var patientId = row.Text("patientId", 200, problems);
        var day = row.Date("date", problems);
        var amount = row.Money("amount", problems);
        var status = row.OneOf("status", VisitStatuses.Closed, problems);
        var discount = row.Money("discount", problems);
        var serviceCode = row.Text("serviceCode", 200, problems);
        var doctorId = row.Text("doctorId", 200, problems);
        var cancelledBy = row.OneOf("cancelledBy", CancelledBy.All, problems);
        var courseId = row.Text("courseId", 200, problems);
        var appointmentId = row.Text("appointmentId", 200, problems);
        Required(row, "patientId", patientId, problems);
        Required(row, "date", day, problems);
        Required(row, "status", status, problems);
        if (status == VisitStatuses.Completed && amount is null && row["amount"] is null)
        {
            problems.Add(("amount", "is required for a completed visit (0 when it was free)"));
        }

        if (cancelledBy is not null && status is not null && status != VisitStatuses.Cancelled)
        {
            problems.Add(("cancelledBy", "is only for a cancelled visit"));
        }

        write = problems.Count > 0 ? null : c =>
        {
            c.Write(patientId!, NpgsqlDbType.Text);
            c.Write(day!.Value, NpgsqlDbType.Date);
            WriteNullable(c, amount, NpgsqlDbType.Numeric);
            c.Write(status!, NpgsqlDbType.Text);
            WriteNullable(c, discount, NpgsqlDbType.Numeric);
            WriteNullable(c, serviceCode, NpgsqlDbType.Text);
            WriteNullable(c, doctorId, NpgsqlDbType.Text);
            WriteNullable(c, cancelledBy, NpgsqlDbType.Text);
            WriteNullable(c, courseId, NpgsqlDbType.Text);
            WriteNullable(c, appointmentId, NpgsqlDbType.Text);
        };
        return write is not null;
    }

    private static bool ReadPatient(SheetRow row, List<(string Field, string Reason)> problems, out Action<NpgsqlBinaryImporter>? write)
    {
        var patientId = row.Text("patientId", 200, problems);
        var birthDate = row.Date("birthDate", problems);
        var sex = row.OneOf("sex", PatientSexes.All, problems);
        var city = row.Text("city", 200, problems);
        var district = row.Text("district", 200, problems);
        var source = row.Text("acquisitionSource", 100, problems);
        var referredBy = row.Text("referredBy", 200, problems);
        Required(row, "patientId", patientId, problems);
        write = problems.Count > 0 ? null : c =>
        {
            c.Write(patientId!, NpgsqlDbType.Text);
            WriteNullable(c, birthDate, NpgsqlDbType.Date);
            WriteNullable(c, sex, NpgsqlDbType.Text);
            WriteNullable(c, city, NpgsqlDbType.Text);
            WriteNullable(c, district, NpgsqlDbType.Text);
            WriteNullable(c, source, NpgsqlDbType.Text);
            WriteNullable(c, referredBy, NpgsqlDbType.Text);
        };
        return write is not null;
    }

    private static void Required<T>(SheetRow row, string column, T? value, List<(string Field, string Reason)> problems)
    {
        if (value is null && row[column] is null)
        {
            problems.Add((column, "is required"));
        }
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, type);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "History import {Kind} {ImportId}: {Applied} rows taken, {Rejected} rejected")]
    private static partial void LogImported(ILogger logger, string kind, Guid importId, int applied, int rejected);
}

public static class ImportKinds
{
    public const string Visits = "visits";
    public const string Patients = "patients";
}

public sealed class ImportOptions
{
    public const string Section = "Audience:Imports";

    /// <summary>Rejected rows kept (and listed) per import; the count covers all of them.</summary>
    public int MaxStoredRejections { get; set; } = 10_000;

    /// <summary>Rejected rows listed in the import's answer.</summary>
    public int MaxReportedRejections { get; set; } = 1_000;

    /// <summary>The largest file taken (bytes); a bigger one is 413.</summary>
    public long MaxFileBytes { get; set; } = 1L << 30;
}
