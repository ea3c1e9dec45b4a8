using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Testing;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// The catalogue of bad input, thrown at every operation of every service's OpenAPI document and at the MIS's AMQP
/// door: each answer is a 4xx problem document naming the field, never a 500; the next good event is applied; and no
/// process writes a log line naming the patient whose data came in broken.
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed class BadInputTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // What a broken request carries beside the broken text: none of it may reach a log line.
    private const string MarkerPhone = "+79990001122";
    private const string MarkerName = "Маркерова";
    private const string MarkerEmail = "marker.patient@example.ru";

    [Fact]
    public async Task Every_operation_of_every_service_answers_bad_input_with_a_4xx_problem()
    {
        var failures = new List<string>();
        var operations = 0;
        foreach (var service in system.Services)
        {
            using var client = await ClientAsync(service);
            using var document = JsonDocument.Parse(await client.GetStringAsync("openapi/v1.json"));
            foreach (var operation in Operations(document.RootElement))
            {
                operations++;
                await foreach (var failure in CheckAsync(client, service.Name, operation, document.RootElement))
                {
                    failures.Add(failure);
                }
            }
        }

        Assert.True(operations > 40, $"only {operations} operations found in the OpenAPI documents");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        AssertNoLogNamesThePatient();
    }

    [Fact]
    public async Task A_NUL_in_an_MIS_event_is_refused_over_HTTP_and_dead_lettered_over_AMQP_and_the_next_event_is_applied()
    {
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        var node = System.Text.Json.Nodes.JsonNode.Parse(
            MisEvents.Booked("bad-" + appointmentId, "bad-" + appointmentId, MarkerPhone, DateTimeOffset.UtcNow.AddDays(2), email: MarkerEmail))!;
        node["data"]!["patient"]!["lastName"] = MarkerName + "\0";
        var broken = node.ToJsonString();

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/mis/events")
        {
            Content = new StringContent(broken, Encoding.UTF8, "application/cloudevents+json"),
            Headers = { { "X-Api-Key", CommsSystem.ApiKey } },
        };
        using var refused = await system.Scheduling.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("NUL", problem.GetProperty("errors").GetProperty("data.patient.lastName")[0].GetString(), StringComparison.Ordinal);

        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        await mis.PublishAsync("mis.events", "appointment.booked", broken);
        await mis.PublishAsync("mis.events", "appointment.booked", MisEvents.Booked("b-" + appointmentId, appointmentId, MisEvents.NewPhone(), DateTimeOffset.UtcNow.AddDays(2)));

        var dead = await Eventually.GetAsync(async () =>
        {
            while (await mis.GetAsync("scheduling-mis-events_error") is { } received)
            {
                if (received.Body.Contains("bad-" + appointmentId, StringComparison.Ordinal))
                {
                    return received;
                }
            }

            return null;
        }, Patience, () => "the dead-lettered event\n" + system.Logs());
        Assert.Contains("data.patient.lastName", dead.Header("MT-Fault-Message"), StringComparison.Ordinal);
        Assert.DoesNotContain(MarkerName, dead.Header("MT-Fault-Message"), StringComparison.Ordinal);
        await Eventually.TrueAsync(async () =>
        {
            using var response = await system.Scheduling.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"api/v1/clinics/{CommsSystem.ClinicId}/appointments/{appointmentId}")
            {
                Headers = { { "X-Api-Key", CommsSystem.ApiKey } },
            });
            return response.StatusCode == HttpStatusCode.OK;
        }, Patience, () => "the good event after the broken one\n" + system.Logs());

        AssertNoLogNamesThePatient();
    }

    private sealed record Operation(string Method, string Path, IReadOnlyList<(string Name, string In, string Sample)> Parameters, IReadOnlyList<string> BodyTypes, JsonElement? BodySchema);

    private static IEnumerable<Operation> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                if (method.Name is "parameters" or "summary" or "description")
                {
                    continue;
                }

                var parameters = new List<(string, string, string)>();
                if (method.Value.TryGetProperty("parameters", out var list))
                {
                    parameters.AddRange(list.EnumerateArray().Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!, Sample(p))));
                }

                var bodyTypes = new List<string>();
                JsonElement? schema = null;
                if (method.Value.TryGetProperty("requestBody", out var body) && body.TryGetProperty("content", out var content))
                {
                    foreach (var type in content.EnumerateObject())
                    {
                        bodyTypes.Add(type.Name);
                        if (IsJson(type.Name) && type.Value.TryGetProperty("schema", out var s))
                        {
                            schema = s;
                        }
                    }
                }

                yield return new Operation(method.Name.ToUpperInvariant(), path.Name, parameters, bodyTypes, schema);
            }
        }
    }

    /// <summary>A value of the parameter's type, so that the route matches and the endpoint is the one under test.</summary>
    private static string Sample(JsonElement parameter)
    {
        if (!parameter.TryGetProperty("schema", out var schema))
        {
            return "x-1";
        }

        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        var type = schema.TryGetProperty("type", out var t) ? t.ToString() : "";
        return format == "uuid" ? "00000000-0000-0000-0000-000000000001"
            : format == "date-time" ? "2026-01-01T00:00:00Z"
            : type.Contains("integer", StringComparison.Ordinal) || type.Contains("number", StringComparison.Ordinal) ? "1"
            : type.Contains("boolean", StringComparison.Ordinal) ? "true"
            : "x-1";
    }

    /// <summary>
    /// A client as the staff and the operators use each service: the operator's key, and on the pages' services a
    /// signed-in account (the development one), so that a body reaches the endpoint that reads it.
    /// </summary>
    private static async Task<HttpClient> ClientAsync(ServiceProcess service)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = service.Http.BaseAddress,
        };
        client.DefaultRequestHeaders.Add(TestKeys.Header, TestKeys.Operator);
        (string Path, string Name, string Password)? account = service.Name switch
        {
            "templating" => ("account/sign-in", "marketer", "marketer-dev-password"),
            "feedback" => ("manager/sign-in", "manager", "manager-dev-password"),
            "audience" => ("analytics/sign-in", "marketer", "marketer-dev-password"),
            "inbox" => ("inbox/sign-in", "reception", "reception-dev-password"),
            _ => null,
        };
        if (account is { } a)
        {
            using var signedIn = await StaffSignInForm.PostAsync(client, a.Path, a.Name, a.Password);
            Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{service.Name}: sign-in answered {(int)signedIn.StatusCode}");
        }

        return client;
    }

    private async IAsyncEnumerable<string> CheckAsync(HttpClient client, string service, Operation operation, JsonElement document)
    {
        var url = Url(operation, null);
        var name = $"{service} {operation.Method} {operation.Path}";

        foreach (var (parameter, place, _) in operation.Parameters.Where(p => p.In is "query" or "path"))
        {
            using var response = await SendAsync(client, operation.Method, Url(operation, parameter), null);
            // A NUL in the path never gets past the web server (Kestrel refuses the request line with a bare 400);
            // in the query it reaches the guard, which names the parameter.
            var why = place == "query"
                ? await Unexpected(response, [HttpStatusCode.BadRequest], parameter)
                : response.StatusCode == HttpStatusCode.BadRequest ? null : $"{(int)response.StatusCode}";
            if (why is not null)
            {
                yield return $"{name}: a NUL in {place} parameter '{parameter}': {why}";
            }
        }

        if (operation.BodyTypes.Count == 0)
        {
            yield break;
        }

        using (var response = await SendAsync(client, operation.Method, url, Content("x", "application/x-no-such-type")))
        {
            if (await Unexpected(response, [HttpStatusCode.UnsupportedMediaType], null) is { } why)
            {
                yield return $"{name}: a body of a type nothing takes: {why}";
            }
            else
            {
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                var accepted = problem.TryGetProperty("accepted", out var list) ? list.EnumerateArray().Select(a => a.GetString()).ToList() : [];
                if (!operation.BodyTypes.All(accepted.Contains))
                {
                    yield return $"{name}: the 415 lists [{string.Join(", ", accepted)}], the document [{string.Join(", ", operation.BodyTypes)}]";
                }
            }
        }

        var json = operation.BodyTypes.FirstOrDefault(IsJson);
        var form = operation.BodyTypes.FirstOrDefault(t => t == "application/x-www-form-urlencoded");
        if (json is not null)
        {
            var cases = new (string Case, byte[] Body, HttpStatusCode Status, string? Field)[]
            {
                ("broken JSON", Encoding.UTF8.GetBytes("{\"key\":"), HttpStatusCode.BadRequest, "$"),
                ("a NUL in a string", Probe("\"a\\u0000b\""), HttpStatusCode.BadRequest, "text"),
                ("a lone surrogate", Probe("\"a\\ud800b\""), HttpStatusCode.BadRequest, "text"),
                ("bytes that are not UTF-8", [.. Probe("\"a~b\"").Select(b => b == (byte)'~' ? (byte)0xC3 : b)], HttpStatusCode.BadRequest, "text"),
                ("a body over the limit", Encoding.UTF8.GetBytes($"{{\"text\":\"{new string('a', 5 * 1024 * 1024)}\"}}"), HttpStatusCode.RequestEntityTooLarge, null),
            };
            foreach (var (what, body, status, field) in cases)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(json);
                using var response = await SendAsync(client, operation.Method, url, content);
                if (await Unexpected(response, [status], field) is { } why)
                {
                    yield return $"{name}: {what}: {why}";
                }
            }

            if (MistypedBody(operation.BodySchema, document) is { Body: var mistyped, Fields: var fields })
            {
                using var response = await SendAsync(client, operation.Method, url, Content(mistyped, json));
                var problem = await Unexpected(response, [HttpStatusCode.BadRequest], null);
                if (problem is not null)
                {
                    yield return $"{name}: numbers where text is due ({string.Join(", ", fields)}): {problem}";
                }
                else
                {
                    var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
                    var missing = fields.Where(f => !errors.EnumerateObject().Any(e => e.Name.Equals(f, StringComparison.OrdinalIgnoreCase))).ToList();
                    if (missing.Count > 0)
                    {
                        yield return $"{name}: numbers where text is due: the answer does not name {string.Join(", ", missing)} ({errors})";
                    }
                }
            }
        }
        else if (form is not null)
        {
            using var content = new FormUrlEncodedContent([new("text", "a\0b"), new("phone", MarkerPhone), new("lastName", MarkerName)]);
            using var response = await SendAsync(client, operation.Method, url, content);
            if (await Unexpected(response, [HttpStatusCode.BadRequest], "text") is { } why)
            {
                yield return $"{name}: a NUL in a form field: {why}";
            }
        }
        else
        {
            // A file upload (a CSV import) with sound parameters (only the clinic's), a row of it with a NUL: refused
            // with the row's line and reason, the patient's phone in no log. (The file's size limit is the import's
            // own, hundreds of megabytes: Consent's ImportTests cover it.)
            var upload = Url(operation with { Parameters = [.. operation.Parameters.Where(p => p.In == "path" || p.Name == "clinicId")] }, null)
                .Replace("clinicId=x-1", "clinicId=" + CommsSystem.ClinicId, StringComparison.Ordinal);
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(
                $"patient_id,phone,channel,purpose,granted,method,document_ref,captured_at\nP-1,{MarkerPhone},sms,service,true,paper_form,Бланк\0 1,2026-01-01T00:00:00Z\n"));
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(operation.BodyTypes[0]);
            using var response = await SendAsync(client, operation.Method, upload, content);
            if ((int)response.StatusCode is < 400 or >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                yield return $"{name}: a CSV row with a NUL: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
        }
    }

    /// <summary>The JSON probe: the broken text, beside a patient's data that no log may repeat.</summary>
    private static byte[] Probe(string text) =>
        Encoding.UTF8.GetBytes($"{{\"phone\":\"{MarkerPhone}\",\"email\":\"{MarkerEmail}\",\"lastName\":\"{MarkerName}\",\"text\":{text}}}");

    /// <summary>The body schema's text properties, each given a number: the answer must name every one.</summary>
    private static (string Body, List<string> Fields)? MistypedBody(JsonElement? schema, JsonElement document)
    {
        if (schema is not { } s || Resolve(s, document) is not { } resolved || !resolved.TryGetProperty("properties", out var properties))
        {
            return null;
        }

        var fields = properties.EnumerateObject().Where(p => IsText(Resolve(p.Value, document))).Select(p => p.Name).ToList();
        if (fields.Count < 2)
        {
            return null;
        }

        return (JsonSerializer.Serialize(fields.ToDictionary(f => f, _ => 12345)), fields);
    }

    private static bool IsText(JsonElement? schema) =>
        schema is { } s && s.TryGetProperty("type", out var type) && !s.TryGetProperty("format", out _) &&
        (type.ValueKind == JsonValueKind.String ? type.GetString() == "string" : type.EnumerateArray().Any(t => t.GetString() == "string"));

    private static JsonElement? Resolve(JsonElement schema, JsonElement document)
    {
        if (schema.TryGetProperty("$ref", out var reference) && reference.GetString() is { } r && r.StartsWith("#/components/schemas/", StringComparison.Ordinal))
        {
            return document.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var schemas) &&
                   schemas.TryGetProperty(r["#/components/schemas/".Length..], out var target) ? target : null;
        }

        return schema;
    }

    private static async Task<string?> Unexpected(HttpResponseMessage response, HttpStatusCode[] expected, string? field)
    {
        var body = await response.Content.ReadAsStringAsync();
        var shortBody = body.Length > 300 ? body[..300] + "…" : body;
        if (!expected.Contains(response.StatusCode))
        {
            return $"{(int)response.StatusCode} ({shortBody})";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"{(int)response.StatusCode} as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not problem details";
        }

        if (field is not null)
        {
            using var problem = JsonDocument.Parse(body);
            if (!problem.RootElement.TryGetProperty("errors", out var errors) || !errors.TryGetProperty(field, out _))
            {
                return $"{(int)response.StatusCode} without an error for '{field}' ({shortBody})";
            }
        }

        return null;
    }

    private static string Url(Operation operation, string? nulIn)
    {
        var path = operation.Path;
        foreach (var (name, _, sample) in operation.Parameters.Where(p => p.In == "path"))
        {
            path = path.Replace("{" + name + "}", name == nulIn ? "x%00y" : Uri.EscapeDataString(sample), StringComparison.Ordinal);
        }

        var query = operation.Parameters.Where(p => p.In == "query").Select(p => $"{p.Name}={(p.Name == nulIn ? "x%00y" : Uri.EscapeDataString(p.Sample))}");
        return path.TrimStart('/') + (query.Any() ? "?" + string.Join('&', query) : "");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url, HttpContent? content)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = content };
        // A large body waits for the server's go-ahead, as curl and well-behaved clients do: a refusal (413) then
        // arrives before the body is sent instead of cutting the upload off halfway.
        request.Headers.ExpectContinue = content?.Headers.ContentLength > 1024 * 1024;
        return await client.SendAsync(request);
    }

    private static StringContent Content(string body, string type) => new(body, new MediaTypeHeaderValue(type) { CharSet = "utf-8" });

    private static bool IsJson(string type) => type == "application/json" || type.EndsWith("+json", StringComparison.Ordinal);

    private void AssertNoLogNamesThePatient()
    {
        foreach (var process in system.Services)
        {
            var log = process.Log();
            foreach (var marker in new[] { MarkerPhone, MarkerPhone[2..], MarkerName, MarkerEmail })
            {
                Assert.False(log.Contains(marker, StringComparison.Ordinal),
                    $"{process.Name}'s log names the patient ('{marker}'):\n" +
                    string.Join('\n', log.Split('\n').Where(l => l.Contains(marker, StringComparison.Ordinal)).Take(5)));
            }
        }
    }
}
