using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Consent.Features.Imports;
using Comms.Consent.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Consent.Tests;

public sealed class ImportTests(ConsentApp app) : IClassFixture<ConsentApp>
{
    private const string Header = "patient_id;phone;email;channel;purpose;granted;method;document_ref;captured_at;captured_by";

    [Fact]
    public async Task A_file_with_invalid_rows_is_rejected_whole_and_the_report_names_each_line_field_and_reason()
    {
        var (valid1, valid2) = (Ledger.NewPhone(), Ledger.NewPhone());
        var csv = MixedFile(valid1, valid2);

        var response = await PostCsvAsync(csv, Encoding.UTF8);

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("rejected", report.GetProperty("status").GetString());
        Assert.Equal(5, report.GetProperty("rows").GetInt32());
        Assert.Equal(3, report.GetProperty("rejectedRows").GetInt32());
        Assert.Equal(0, report.GetProperty("applied").GetInt32());
        Assert.Equal(
            [(3, "phone"), (4, "channel"), (5, "captured_at"), (5, "granted")],
            Rejections(report).Select(r => (r.Line, r.Field)).Order());
        Assert.Contains("is not a valid phone number", Rejections(report).Single(r => r.Field == "phone").Reason, StringComparison.Ordinal);
        Assert.Contains("must be one of sms, whatsapp, email, max", Rejections(report).Single(r => r.Field == "channel").Reason, StringComparison.Ordinal);
        Assert.Contains("must be true or false", Rejections(report).Single(r => r.Field == "granted").Reason, StringComparison.Ordinal);
        Assert.Contains("is required", Rejections(report).Single(r => r.Field == "captured_at").Reason, StringComparison.Ordinal);
        Assert.Empty(await Ledger.RecordsAsync(app, valid1));
        Assert.Empty(await Ledger.RecordsAsync(app, valid2));

        var status = await GetImportAsync(report.GetProperty("importId").GetGuid());
        Assert.Equal("rejected", status.GetProperty("status").GetString());
        Assert.Equal(4, status.GetProperty("rejected").GetArrayLength());
    }

    [Fact]
    public async Task With_accept_valid_the_valid_rows_are_applied_and_the_rejected_reported()
    {
        var (valid1, valid2) = (Ledger.NewPhone(), Ledger.NewPhone());

        var response = await PostCsvAsync(MixedFile(valid1, valid2), Encoding.UTF8, "&acceptValid=true");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var importId = report.GetProperty("importId").GetGuid();
        Assert.Equal($"/api/v1/consents/imports/{importId}", response.Headers.Location?.OriginalString);
        Assert.Equal("applied", report.GetProperty("status").GetString());
        Assert.Equal(2, report.GetProperty("applied").GetInt32());
        Assert.Equal(3, report.GetProperty("rejectedRows").GetInt32());
        Assert.Equal(4, report.GetProperty("rejected").GetArrayLength());

        var first = Assert.Single(await Ledger.RecordsAsync(app, valid1));
        Assert.Equal(("msk-1", "P-1", "sms", "service", true, "paper_form"), (first.ClinicId, first.PatientId, first.Channel, first.Purpose, first.Granted, first.Method));
        Assert.Equal("Бланк 1", first.DocumentRef);
        Assert.Equal(DateTimeOffset.Parse("2026-11-01T07:00:00Z"), first.CapturedAt);
        Assert.Equal("reception", first.CapturedBy);
        Assert.Equal($"import:{importId}", first.Source);
        Assert.Equal(ConsentApp.AdminKeyName, first.RecordedBy);
        var second = Assert.Single(await Ledger.RecordsAsync(app, valid2));
        Assert.Equal(("marketing", false, "web_form", "Форма; ред. 2"), (second.Purpose, second.Granted, second.Method, second.DocumentRef));
        Assert.Null(second.CapturedBy);
    }

    [Fact]
    public async Task A_few_thousand_rows_are_applied_in_one_go_and_importing_the_file_again_applies_nothing()
    {
        const int rows = 3000;
        var phones = Enumerable.Range(0, rows).Select(i => "+7926" + (3_000_000 + i).ToString(CultureInfo.InvariantCulture)).ToList();
        var csv = new StringBuilder("phone,channel,purpose,granted,method,document_ref,captured_at,patient_id\n");
        foreach (var (phone, i) in phones.Select((p, i) => (p, i)))
        {
            csv.Append(CultureInfo.InvariantCulture, $"\"8 ({phone[2..5]}) {phone[5..8]}-{phone[8..10]}-{phone[10..]}\",sms,service,true,paper_form,\"Бланк {i}, ред. 2025\",2026-10-01T09:00:00+03:00,P-{i}\n");
        }

        var first = await PostCsvAsync(csv.ToString(), Encoding.UTF8);
        var again = await PostCsvAsync(csv.ToString(), Encoding.UTF8);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var report = await first.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal((rows, rows, 0, 0), Counts(report));
        Assert.Equal(",", report.GetProperty("delimiter").GetString());
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var repeat = await again.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal((rows, 0, rows, 0), Counts(repeat));

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        Assert.Equal(rows, await db.ConsentRecords.CountAsync(r => phones.Contains(r.Contact), TestContext.Current.CancellationToken));
        var sample = await Ledger.GetAsync(app, phones[1234]);
        var current = Ledger.Current(sample, "sms", "service");
        Assert.True(current.GetProperty("granted").GetBoolean());
        Assert.Equal("Бланк 1234, ред. 2025", current.GetProperty("documentRef").GetString());
    }

    [Fact]
    public async Task A_windows_1251_file_with_semicolons_as_russian_excel_saves_it_is_imported()
    {
        var phone = Ledger.NewPhone();
        var csv = "Пациент;patient_id;phone;channel;purpose;granted;method;document_ref;captured_at;captured_by\r\n" +
                  $"Иванова Анна;P-77;{phone};SMS;service;да;paper_form;\"Согласие на SMS-информирование, ред. 2025-09, бланк № 004512\";2026-11-23 08:55:00+03:00;Регистратура 2\r\n";

        var response = await PostCsvAsync(csv, Encoding.GetEncoding(1251), mediaType: "text/csv");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("windows-1251", report.GetProperty("encoding").GetString());
        Assert.Equal(";", report.GetProperty("delimiter").GetString());
        Assert.Equal(1, report.GetProperty("applied").GetInt32());
        var record = Assert.Single(await Ledger.RecordsAsync(app, phone));
        Assert.Equal("Согласие на SMS-информирование, ред. 2025-09, бланк № 004512", record.DocumentRef);
        Assert.Equal("Регистратура 2", record.CapturedBy);
        Assert.True(record.Granted);
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T05:55:00Z"), record.CapturedAt);
    }

    [Fact]
    public async Task A_file_uploaded_as_a_form_is_imported_like_a_body()
    {
        var phone = Ledger.NewPhone();
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(
            $"{Header}\nP-9;{phone};;sms;marketing;нет;reply;;2026-11-20T10:00:00Z;\n")).ToArray();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "patients.csv");
        using var client = app.CreateAdminClient();

        var response = await client.PostAsync("/api/v1/consents/imports?clinicId=msk-1", form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("patients.csv", report.GetProperty("fileName").GetString());
        Assert.Equal("utf-8", report.GetProperty("encoding").GetString());
        var record = Assert.Single(await Ledger.RecordsAsync(app, phone));
        Assert.Equal(("marketing", false, "reply"), (record.Purpose, record.Granted, record.Method));
    }

    [Fact]
    public async Task The_progress_of_a_running_import_can_be_followed_by_its_id()
    {
        var importId = Guid.NewGuid();
        var phone = Ledger.NewPhone();
        var release = new TaskCompletionSource();
        var body = new GatedStream(
            Encoding.UTF8.GetBytes($"{Header}\n"),
            Encoding.UTF8.GetBytes($"P-1;{phone};;sms;service;true;web_form;web-2025;2026-11-20T10:00:00Z;site\n"),
            release.Task);
        // The factory's default client buffers request bodies (to follow redirects); the server's own client streams them.
        using var client = app.Factory.Server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ConsentApp.AdminKey);
        var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");

        var posting = client.PostAsync($"/api/v1/consents/imports?clinicId=msk-1&importId={importId}", content, TestContext.Current.CancellationToken);
        var running = await Eventually.GetAsync<JsonElement>(
            async () => await TryGetImportAsync(importId) is { } status && status.GetProperty("status").GetString() == "validating" ? status : null,
            Ledger.Patience, "the running import's progress");
        release.SetResult();
        var response = await posting;

        Assert.Equal(0, running.GetProperty("applied").GetInt32());
        Assert.Equal(JsonValueKind.Null, running.GetProperty("finishedAt").ValueKind);
        Assert.Equal(ConsentApp.AdminKeyName, running.GetProperty("requestedBy").GetString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var done = await GetImportAsync(importId);
        Assert.Equal("applied", done.GetProperty("status").GetString());
        Assert.Equal((1, 1, 0, 0), Counts(done));
        Assert.Equal(1, done.GetProperty("processed").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("finishedAt").ValueKind);

        var reused = await PostCsvAsync($"{Header}\n", Encoding.UTF8, $"&importId={importId}");
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        using var unknown = await client.GetAsync($"/api/v1/consents/imports/{Guid.NewGuid()}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_header_without_the_required_columns_is_a_400_naming_them()
    {
        var response = await PostCsvAsync("phone;channel;purpose\n+79161234567;sms;service\n", Encoding.UTF8);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var header = problem.GetProperty("errors").GetProperty("header")[0].GetString();
        Assert.Contains("missing column(s): granted, method, captured_at", header, StringComparison.Ordinal);
        var status = await GetImportAsync(problem.GetProperty("importId").GetGuid());
        Assert.Equal("failed", status.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("", "clinicId")]
    [InlineData("?clinicId=msk-1&acceptValid=perhaps", "acceptValid")]
    [InlineData("?clinicId=msk-1&importId=42", "importId")]
    public async Task An_import_without_a_valid_clinic_or_options_is_a_400_naming_them(string query, string field)
    {
        using var client = app.CreateAdminClient();

        var response = await client.PostAsync($"/api/v1/consents/imports{query}",
            new StringContent($"{Header}\n", Encoding.UTF8, "text/csv"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_json_body_is_415()
    {
        using var client = app.CreateAdminClient();

        var response = await client.PostAsync("/api/v1/consents/imports?clinicId=msk-1",
            new StringContent("{}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task An_imported_grant_after_an_imported_stop_reply_follows_the_re_grant_rule()
    {
        var phone = Ledger.NewPhone();
        var csv = $"{Header}\n" +
                  $"P-1;{phone};;sms;service;0;reply;;2026-11-10T10:00:00Z;\n" +
                  $"P-1;{phone};;sms;service;1;mis_checkbox;;2026-11-11T10:00:00Z;reception\n";

        var response = await PostCsvAsync(csv, Encoding.UTF8);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ledger = await Ledger.GetAsync(app, phone);
        Assert.False(Ledger.Current(ledger, "sms", "service").GetProperty("granted").GetBoolean());
        var grant = ledger.GetProperty("history").EnumerateArray().Single(r => r.GetProperty("granted").GetBoolean());
        Assert.False(grant.GetProperty("effective").GetBoolean());
    }

    private static string MixedFile(string valid1, string valid2) =>
        $"{Header}\n" +
        $"P-1;+7 {valid1[2..5]} {valid1[5..8]}-{valid1[8..10]}-{valid1[10..]};anna@example.ru;sms;service;1;paper_form;Бланк 1;2026-11-01T10:00:00+03:00;reception\n" +
        "P-2;12345;;sms;service;1;paper_form;Бланк 2;2026-11-01T10:00:00+03:00;reception\n" +
        $"P-3;{Ledger.NewPhone()};;fax;service;да;paper_form;;2026-11-01 10:00:00+03:00;reception\n" +
        $"P-4;{Ledger.NewPhone()};;sms;service;maybe;paper_form;;;reception\n" +
        $"\"P-5\";\"{valid2}\";;\"sms\";\"marketing\";\"0\";\"web_form\";\"Форма; ред. 2\";\"2026-11-02T10:00:00Z\";\"\"\n";

    private async Task<HttpResponseMessage> PostCsvAsync(string csv, Encoding encoding, string query = "", string mediaType = "text/csv")
    {
        using var client = app.CreateAdminClient();
        var content = new ByteArrayContent(encoding.GetBytes(csv));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await client.PostAsync($"/api/v1/consents/imports?clinicId=msk-1{query}", content, TestContext.Current.CancellationToken);
    }

    private async Task<JsonElement> GetImportAsync(Guid importId) =>
        await TryGetImportAsync(importId) ?? throw new InvalidOperationException($"import {importId} not found");

    private async Task<JsonElement?> TryGetImportAsync(Guid importId)
    {
        using var client = app.CreateAdminClient();
        using var response = await client.GetAsync($"/api/v1/consents/imports/{importId}", TestContext.Current.CancellationToken);
        return response.StatusCode == HttpStatusCode.OK
            ? await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)
            : null;
    }

    private static (int Rows, int Applied, int Duplicates, int Rejected) Counts(JsonElement report) =>
        (report.GetProperty("rows").GetInt32(), report.GetProperty("applied").GetInt32(), report.GetProperty("duplicates").GetInt32(),
            report.GetProperty("rejectedRows").GetInt32());

    private static List<ImportRejection> Rejections(JsonElement report) =>
        [.. report.GetProperty("rejected").EnumerateArray().Select(r =>
            new ImportRejection(r.GetProperty("line").GetInt32(), r.GetProperty("field").GetString()!, r.GetProperty("reason").GetString()!))];

    static ImportTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>A request body that sends its first part, then waits for the test before sending the rest.</summary>
    private sealed class GatedStream(byte[] first, byte[] rest, Task gate) : Stream
    {
        private int _part;
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_part == 1 && _offset == 0)
            {
                await gate.WaitAsync(cancellationToken);
            }

            var current = _part == 0 ? first : _part == 1 ? rest : [];
            if (_offset >= current.Length)
            {
                if (_part >= 1)
                {
                    return 0;
                }

                (_part, _offset) = (_part + 1, 0);
                return await ReadAsync(buffer, cancellationToken);
            }

            var count = Math.Min(buffer.Length, current.Length - _offset);
            current.AsMemory(_offset, count).CopyTo(buffer);
            _offset += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
