using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Audience.Tests;

public sealed class ImportTests(AudienceApp app) : IClassFixture<AudienceApp>
{
    [Fact]
    public async Task Valid_rows_are_taken_and_each_rejected_one_is_listed_with_its_line_and_reason()
    {
        using var client = app.CreateClinicClient();
        var report = await client.ImportVisitsAsync("""
            patientId;date;amount;status;discount;serviceCode;cancelledBy
            IMP-1;2025-03-01;2 500,50;completed;200;US-1;
            IMP-1;2025-06-01T10:30:00+03:00;1500;completed;;US-1;
            IMP-1;2025-07-01;;cancelled;;;patient
            IMP-1;2025-13-01;100;completed;;;
            IMP-1;2025-08-01;100;done;;;
            IMP-1;2025-08-02;-5;completed;;;
            ;2025-08-03;100;completed;;;
            IMP-1;2025-08-04;;completed;;;
            IMP-1;2025-08-05;100;completed;;;clinic

            IMP-1;2025-08-06;100;no_show;;;
            """);

        Assert.Equal(10, report.GetProperty("rows").GetInt32());
        Assert.Equal(4, report.GetProperty("applied").GetInt32());
        Assert.Equal(6, report.GetProperty("rejected").GetInt32());
        var rejected = report.GetProperty("rejections").EnumerateArray()
            .Select(r => (r.GetProperty("line").GetInt32(), r.GetProperty("field").GetString())).ToList();
        Assert.Equal([(5, "date"), (6, "status"), (7, "amount"), (8, "patientId"), (9, "amount"), (10, "cancelledBy")], rejected);
        Assert.All(report.GetProperty("rejections").EnumerateArray(), r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("reason").GetString())));

        var patient = await client.PatientAsync("IMP-1", "2025-12-31");
        Assert.Equal(2, patient.GetProperty("visits").GetInt32());
        Assert.Equal(4000.50m, patient.GetProperty("revenue").GetDecimal());
        Assert.Equal(4, patient.GetProperty("bookings").GetInt32());
        Assert.Equal(0.25, patient.GetProperty("cancellationRate").GetDouble(), 6);
        Assert.Equal(0.25, patient.GetProperty("noShowRate").GetDouble(), 6);
        Assert.Equal(new DateOnly(2025, 6, 1), DateOnly.Parse(patient.GetProperty("lastVisit").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_same_file_imported_twice_leaves_the_same_history()
    {
        using var client = app.CreateClinicClient();
        var csv = string.Join('\n', ["patientId,date,amount,status",
            "TWICE-1,2024-01-10,1000,completed",
            "TWICE-1,2024-01-10,1000,completed", // two identical visits of one day stay two
            "TWICE-1,2024-05-10,3000,completed",
            "TWICE-2,2024-02-01,700,completed"]);

        await client.ImportVisitsAsync(csv);
        var once = await client.PatientAsync("TWICE-1", "2024-12-31");
        var again = await client.ImportVisitsAsync(csv);
        var twice = await client.PatientAsync("TWICE-1", "2024-12-31");

        Assert.Equal(4, again.GetProperty("applied").GetInt32());
        Assert.Equal(5000m, once.GetProperty("revenue").GetDecimal());
        Assert.Equal(2, once.GetProperty("visits").GetInt32()); // one visit per day, as the models count
        Assert.Equal(once.GetProperty("revenue").GetDecimal(), twice.GetProperty("revenue").GetDecimal());
        Assert.Equal(once.GetProperty("bookings").GetInt32(), twice.GetProperty("bookings").GetInt32());
        Assert.Equal(3, twice.GetProperty("bookings").GetInt32());
    }

    [Fact]
    public async Task A_corrected_file_changes_the_visits_it_names_instead_of_adding_to_them()
    {
        using var client = app.CreateClinicClient();
        await client.ImportVisitsAsync("patientId,date,amount,status,serviceCode\nFIX-1,2024-03-01,1000,completed,X\n");
        await client.ImportVisitsAsync("patientId,date,amount,status,serviceCode\nFIX-1,2024-03-01,1200,completed,X\n");

        var patient = await client.PatientAsync("FIX-1", "2024-12-31");

        Assert.Equal(1200m, patient.GetProperty("revenue").GetDecimal());
        Assert.Equal(1, patient.GetProperty("bookings").GetInt32());
    }

    [Theory]
    [InlineData("patientId,date,amount\nP,2024-01-01,1\n", "header.status")]
    [InlineData("patientId,date,amount,status,colour\nP,2024-01-01,1,completed,red\n", "header.colour")]
    [InlineData("patientId,date,amount,status,date\n", "header.date")]
    [InlineData("", "file")]
    public async Task A_bad_header_is_refused_naming_the_column_and_nothing_is_taken(string csv, string field)
    {
        using var client = app.CreateClinicClient();
        using var response = await client.PostAsync("/api/v1/audience/imports/visits?clinicId=msk-1", AudienceApi.Csv(csv));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Only_a_csv_body_of_ones_own_clinic_with_a_key_is_taken()
    {
        using var clinic = app.CreateClinicClient();
        using var anonymous = app.CreateClient(apiKey: null);
        const string csv = "patientId,date,amount,status\nP,2024-01-01,1,completed\n";

        using var json = await clinic.PostAsync("/api/v1/audience/imports/visits?clinicId=msk-1", new StringContent("{}", Encoding.UTF8, "application/json"));
        using var other = await clinic.PostAsync("/api/v1/audience/imports/visits?clinicId=spb-1", AudienceApi.Csv(csv));
        using var nobody = await anonymous.PostAsync("/api/v1/audience/imports/visits?clinicId=msk-1", AudienceApi.Csv(csv));
        using var otherPatients = await clinic.GetAsync("/api/v1/audience/clinics/spb-1/patients");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherPatients.StatusCode);
    }

    [Fact]
    public async Task The_patients_import_fills_in_who_the_patients_are()
    {
        using var client = app.CreateClinicClient();
        using var response = await client.PostAsync("/api/v1/audience/imports/patients?clinicId=msk-1", AudienceApi.Csv("""
            patientId,birthDate,sex,city,district,acquisitionSource,referredBy
            WHO-1,1980-04-02,female,Москва,Хамовники,referral,WHO-2
            WHO-2,1975-01-01,m,Москва,,site,
            """));
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, report.GetProperty("applied").GetInt32());
        var rejection = Assert.Single(report.GetProperty("rejections").EnumerateArray());
        Assert.Equal(3, rejection.GetProperty("line").GetInt32());
        Assert.Equal("sex", rejection.GetProperty("field").GetString());
        using var report2 = await client.GetAsync($"/api/v1/audience/imports/{report.GetProperty("importId").GetString()}");
        Assert.Equal(HttpStatusCode.OK, report2.StatusCode);
    }

    [Fact]
    public async Task Bad_query_values_are_named()
    {
        using var client = app.CreateClinicClient();
        using var response = await client.GetAsync("/api/v1/audience/clinics/msk-1/patients?asOf=2024-02-30&segment=gold&pageSize=0");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("asOf", out _));
        Assert.True(errors.TryGetProperty("segment", out _));
        Assert.True(errors.TryGetProperty("pageSize", out _));
    }
}
