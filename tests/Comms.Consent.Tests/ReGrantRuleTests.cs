using System.Text.Json;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Consent.Tests;

/// <summary>The MIS cannot re-grant over a patient's own opt-out without new evidence (docs/consent.md).</summary>
public sealed class ReGrantRuleTests(ConsentApp app) : IClassFixture<ConsentApp>
{
    [Fact]
    public async Task An_mis_checkbox_after_the_patients_stop_reply_is_not_effective_and_the_consent_stays_revoked()
    {
        var phone = Ledger.NewPhone();
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);
        var mis = await probe.BindQueueAsync(Ledger.CommsEventsExchange, "consent.changed");
        await GrantThenStopAsync(probe, announced, phone);
        await Ledger.NextMisEventAsync(probe, mis, phone);
        await Ledger.NextMisEventAsync(probe, mis, phone);

        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, MisEvents.ConsentChanged(
            MisEvents.NewEventId(), phone: phone, method: "mis_checkbox", documentRef: null, capturedAt: "2026-11-25T09:00:00+03:00"));

        var ledger = await Ledger.WaitForHistoryAsync(app, phone, 3);
        var attempt = ledger.GetProperty("history")[0];
        Assert.True(attempt.GetProperty("granted").GetBoolean());
        Assert.Equal("mis_checkbox", attempt.GetProperty("method").GetString());
        Assert.False(attempt.GetProperty("effective").GetBoolean());
        var reason = attempt.GetProperty("ineffectiveReason").GetString();
        Assert.Contains("the patient opted out (reply, 2026-11-24T10:00:00Z", reason, StringComparison.Ordinal);
        Assert.Contains("not mis_checkbox", reason, StringComparison.Ordinal);
        Assert.Contains("must carry a document reference", reason, StringComparison.Ordinal);
        var current = Ledger.Current(ledger, "sms", "service");
        Assert.False(current.GetProperty("granted").GetBoolean());
        Assert.Equal("reply", current.GetProperty("method").GetString());

        var changed = await Ledger.NextConsentChangedAsync(probe, announced, phone);
        Assert.False(changed.GetProperty("granted").GetBoolean());
        Assert.Equal(attempt.GetProperty("sequence").GetInt64(), changed.GetProperty("sequence").GetInt64());

        // The MIS hears that its grant was refused and the consent is still revoked.
        var refused = (await Ledger.NextMisEventAsync(probe, mis, phone)).GetProperty("data");
        Assert.False(refused.GetProperty("granted").GetBoolean());
        Assert.Equal(attempt.GetProperty("sequence").GetInt64(), refused.GetProperty("refusedGrant").GetProperty("sequence").GetInt64());
        Assert.Equal(reason, refused.GetProperty("refusedGrant").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_paper_form_already_on_file_before_the_opt_out_is_not_new_evidence()
    {
        var phone = Ledger.NewPhone();
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);
        await GrantThenStopAsync(probe, announced, phone);

        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, MisEvents.ConsentChanged(
            MisEvents.NewEventId(), phone: phone, method: "paper_form", documentRef: "  " + MisEvents.PaperForm.ToUpperInvariant(), capturedAt: "2026-11-25T09:00:00+03:00"));

        var ledger = await Ledger.WaitForHistoryAsync(app, phone, 3);
        var attempt = ledger.GetProperty("history")[0];
        Assert.False(attempt.GetProperty("effective").GetBoolean());
        Assert.Contains("was already on file before the opt-out", attempt.GetProperty("ineffectiveReason").GetString(), StringComparison.Ordinal);
        Assert.False(Ledger.Current(ledger, "sms", "service").GetProperty("granted").GetBoolean());
        Assert.False((await Ledger.NextConsentChangedAsync(probe, announced, phone)).GetProperty("granted").GetBoolean());
    }

    [Fact]
    public async Task A_new_signed_form_after_the_opt_out_grants_again()
    {
        var phone = Ledger.NewPhone();
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);
        await GrantThenStopAsync(probe, announced, phone);

        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, MisEvents.ConsentChanged(
            MisEvents.NewEventId(), phone: phone, method: "paper_form", documentRef: "Согласие ред. 2025-09, бланк № 009931", capturedAt: "2026-11-25T09:00:00+03:00"));

        var ledger = await Ledger.WaitForHistoryAsync(app, phone, 3);
        var grant = ledger.GetProperty("history")[0];
        Assert.True(grant.GetProperty("effective").GetBoolean());
        Assert.Equal(JsonValueKind.Null, grant.GetProperty("ineffectiveReason").ValueKind);
        var current = Ledger.Current(ledger, "sms", "service");
        Assert.True(current.GetProperty("granted").GetBoolean());
        Assert.Equal("Согласие ред. 2025-09, бланк № 009931", current.GetProperty("documentRef").GetString());
        var changed = await Ledger.NextConsentChangedAsync(probe, announced, phone);
        Assert.True(changed.GetProperty("granted").GetBoolean());
        Assert.Equal(grant.GetProperty("sequence").GetInt64(), changed.GetProperty("sequence").GetInt64());
        // The gateway that took the «СТОП» learns that this grant answers it.
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), AcceptedOverOptOutAt(changed));
    }

    [Fact]
    public async Task A_signed_form_announced_before_a_late_opt_out_is_announced_again_as_accepted_over_it()
    {
        var phone = Ledger.NewPhone();
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);
        var stoppedAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());

        // The patient replied «СТОП», then signed a new form five minutes later; the form reaches the ledger first.
        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, MisEvents.ConsentChanged(
            MisEvents.NewEventId(), phone: phone, documentRef: "Согласие ред. 2025-09, бланк № 010077", capturedAt: stoppedAt.AddMinutes(5).ToString("O")));
        var granted = await Ledger.NextConsentChangedAsync(probe, announced, phone);
        Assert.True(granted.GetProperty("granted").GetBoolean());
        Assert.Null(AcceptedOverOptOutAt(granted));

        await app.Services.GetRequiredService<IBus>().Publish(
            OptOutTests.OptOut(phone, ["service"], null, receivedAt: stoppedAt.ToString("O")), TestContext.Current.CancellationToken);

        // The form is new evidence after the opt-out: it still decides, and now says which opt-out it was accepted over.
        var again = await Ledger.NextConsentChangedAsync(probe, announced, phone);
        Assert.True(again.GetProperty("granted").GetBoolean());
        Assert.Equal("paper_form", again.GetProperty("method").GetString());
        Assert.Equal(stoppedAt, AcceptedOverOptOutAt(again));
        Assert.True(again.GetProperty("sequence").GetInt64() > granted.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task A_stop_reply_that_reaches_the_ledger_after_a_later_mis_checkbox_still_wins()
    {
        var phone = Ledger.NewPhone();
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);
        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, MisEvents.ConsentChanged(
            MisEvents.NewEventId(), phone: phone, method: "mis_checkbox", documentRef: null, capturedAt: "2026-11-24T13:05:00+03:00"));
        var checkboxGranted = await Ledger.NextConsentChangedAsync(probe, announced, phone);
        Assert.True(checkboxGranted.GetProperty("granted").GetBoolean());
        // No opt-out before it that the ledger knows of: a gateway holding one of its own keeps the channel closed.
        Assert.Null(AcceptedOverOptOutAt(checkboxGranted));

        // The patient had replied СТОП at 13:00; the gateway's opt-out arrives after the MIS's 13:05 checkbox.
        await app.Services.GetRequiredService<IBus>().Publish(
            OptOutTests.OptOut(phone, ["service"], null, receivedAt: "2026-11-24T10:00:00Z"), TestContext.Current.CancellationToken);

        var changed = await Ledger.NextConsentChangedAsync(probe, announced, phone);
        Assert.False(changed.GetProperty("granted").GetBoolean());
        Assert.Null(AcceptedOverOptOutAt(changed));
        var ledger = await Ledger.GetAsync(app, phone);
        Assert.False(Ledger.Current(ledger, "sms", "service").GetProperty("granted").GetBoolean());
        var checkbox = ledger.GetProperty("history").EnumerateArray().Single(r => r.GetProperty("granted").GetBoolean());
        Assert.False(checkbox.GetProperty("effective").GetBoolean());
        Assert.Contains("the patient opted out (reply", checkbox.GetProperty("ineffectiveReason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revocation_by_the_mis_does_not_restrict_a_later_mis_grant()
    {
        var phone = Ledger.NewPhone();
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);
        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, MisEvents.ConsentChanged(
            MisEvents.NewEventId(), phone: phone, granted: false, method: "mis_checkbox", documentRef: null, capturedAt: "2026-11-24T10:00:00+03:00"));
        await Ledger.NextConsentChangedAsync(probe, announced, phone);

        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, MisEvents.ConsentChanged(
            MisEvents.NewEventId(), phone: phone, method: "mis_checkbox", documentRef: null, capturedAt: "2026-11-25T10:00:00+03:00"));

        Assert.True((await Ledger.NextConsentChangedAsync(probe, announced, phone)).GetProperty("granted").GetBoolean());
    }

    private static DateTimeOffset? AcceptedOverOptOutAt(JsonElement changed) =>
        changed.TryGetProperty("acceptedOverOptOutAt", out var at) && at.ValueKind != JsonValueKind.Null ? at.GetDateTimeOffset() : null;

    /// <summary>A paper-form grant from the MIS, then the patient's "СТОП" reply at 2026-11-24T10:00Z.</summary>
    private async Task GrantThenStopAsync(RabbitQueueProbe probe, string announced, string phone)
    {
        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, MisEvents.ConsentChanged(MisEvents.NewEventId(), phone: phone));
        Assert.True((await Ledger.NextConsentChangedAsync(probe, announced, phone)).GetProperty("granted").GetBoolean());
        await app.Services.GetRequiredService<IBus>().Publish(OptOutTests.OptOut(phone, ["service"], null), TestContext.Current.CancellationToken);
        Assert.False((await Ledger.NextConsentChangedAsync(probe, announced, phone)).GetProperty("granted").GetBoolean());
    }
}
