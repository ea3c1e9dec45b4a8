using Comms.Consent.Features.Ledger;
using Comms.Consent.Persistence;

namespace Comms.Consent.Tests;

public sealed class ConsentRulesTests
{
    private static readonly DateTimeOffset OptOutAt = DateTimeOffset.Parse("2026-11-24T10:00:00Z");
    private long _id;

    [Theory]
    [InlineData("reply")]
    [InlineData("email_link")]
    [InlineData("carrier_stop_list")]
    [InlineData("messenger_blocked")]
    public void A_grant_without_new_evidence_after_any_patient_opt_out_is_not_effective(string optOutMethod)
    {
        var records = new List<ConsentRecord> { Record(true, "paper_form", "F-1", OptOutAt.AddDays(-5)), Record(false, optOutMethod, null, OptOutAt) };
        var grant = Record(true, "mis_checkbox", null, OptOutAt.AddHours(1));
        records.Add(grant);

        ConsentRules.Assess(records);

        Assert.False(grant.Effective);
        Assert.StartsWith($"the patient opted out ({optOutMethod}, 2026-11-24T10:00:00Z, record 2)", grant.IneffectiveReason, StringComparison.Ordinal);
        Assert.False(Assert.Single(ConsentState.Current(records)).Record.Granted);
    }

    [Theory]
    [InlineData("paper_form")]
    [InlineData("web_form")]
    [InlineData("verbal_recorded")]
    [InlineData("reply")]
    [InlineData("email_link")]
    public void A_later_grant_by_the_patients_own_act_with_a_new_document_lifts_the_opt_out(string method)
    {
        var records = new List<ConsentRecord> { Record(true, "paper_form", "F-1", OptOutAt.AddDays(-5)), Record(false, "reply", null, OptOutAt) };
        var grant = Record(true, method, "F-2", OptOutAt.AddMinutes(1));
        records.Add(grant);

        ConsentRules.Assess(records);

        Assert.True(grant.Effective);
        Assert.Null(grant.IneffectiveReason);
        Assert.Same(grant, Assert.Single(ConsentState.Current(records)).Record);
    }

    [Theory]
    [InlineData("admin", "F-2", 1, "not admin")]
    [InlineData("mis_checkbox", "F-2", 1, "not mis_checkbox")]
    [InlineData("carrier_stop_list", "F-2", 1, "not carrier_stop_list")]
    [InlineData("paper_form", null, 1, "must carry a document reference")]
    [InlineData("paper_form", " f-1 ", 1, "\"f-1\" was already on file before the opt-out")]
    [InlineData("paper_form", "F-2", 0, "must be captured after the opt-out")]
    public void Each_missing_piece_of_new_evidence_is_named(string method, string? documentRef, int minutesAfter, string reason)
    {
        var records = new List<ConsentRecord> { Record(true, "paper_form", "F-1", OptOutAt.AddDays(-5)), Record(false, "reply", null, OptOutAt) };
        var grant = Record(true, method, documentRef, OptOutAt.AddMinutes(minutesAfter));
        records.Add(grant);

        ConsentRules.Assess(records);

        Assert.False(grant.Effective);
        Assert.Contains(reason, grant.IneffectiveReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_first_used_after_the_opt_out_on_another_channel_is_still_new()
    {
        var records = new List<ConsentRecord>
        {
            Record(false, "reply", null, OptOutAt),
            Record(true, "paper_form", "F-2", OptOutAt.AddMinutes(5), channel: "whatsapp"),
        };
        var grant = Record(true, "paper_form", "F-2", OptOutAt.AddMinutes(5));
        records.Add(grant);

        ConsentRules.Assess(records);

        Assert.True(grant.Effective);
    }

    [Fact]
    public void A_revocation_by_the_clinic_is_not_the_patients_opt_out()
    {
        var records = new List<ConsentRecord> { Record(false, "mis_checkbox", null, OptOutAt), Record(true, "admin", null, OptOutAt.AddHours(1)) };

        ConsentRules.Assess(records);

        Assert.All(records, r => Assert.True(r.Effective));
        Assert.True(Assert.Single(ConsentState.Current(records)).Record.Granted);
    }

    [Fact]
    public void An_opt_out_of_one_purpose_does_not_restrict_grants_of_the_other()
    {
        var records = new List<ConsentRecord> { Record(false, "reply", null, OptOutAt, purpose: "marketing") };
        var grant = Record(true, "mis_checkbox", null, OptOutAt.AddHours(1));
        records.Add(grant);

        ConsentRules.Assess(records);

        Assert.True(grant.Effective);
    }

    [Fact]
    public void A_grant_captured_before_the_opt_out_stays_effective_history()
    {
        var earlier = Record(true, "mis_checkbox", null, OptOutAt.AddDays(-1));
        var records = new List<ConsentRecord> { Record(false, "reply", null, OptOutAt), earlier };

        ConsentRules.Assess(records);

        Assert.True(earlier.Effective);
        Assert.False(Assert.Single(ConsentState.Current(records)).Record.Granted);
    }

    [Fact]
    public void A_late_opt_out_makes_an_earlier_recorded_later_captured_grant_ineffective()
    {
        var grant = Record(true, "mis_checkbox", null, OptOutAt.AddMinutes(5));
        var records = new List<ConsentRecord> { grant };
        ConsentRules.Assess(records);
        Assert.True(grant.Effective);

        records.Add(Record(false, "reply", null, OptOutAt));
        var changed = ConsentRules.Assess(records);

        Assert.Same(grant, Assert.Single(changed));
        Assert.False(grant.Effective);
        Assert.False(Assert.Single(ConsentState.Current(records)).Record.Granted);
    }

    [Fact]
    public void A_late_record_showing_the_document_was_on_file_before_the_opt_out_makes_the_grant_ineffective()
    {
        var grant = Record(true, "paper_form", "F-9", OptOutAt.AddHours(1));
        var records = new List<ConsentRecord> { Record(false, "reply", null, OptOutAt), grant };
        ConsentRules.Assess(records);
        Assert.True(grant.Effective);

        records.Add(Record(true, "paper_form", "F-9", OptOutAt.AddDays(-30), channel: "email"));
        var changed = ConsentRules.Assess(records);

        Assert.Same(grant, Assert.Single(changed));
        Assert.Contains("\"F-9\" was already on file before the opt-out", grant.IneffectiveReason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sequence_counts_ineffective_records_too()
    {
        var records = new List<ConsentRecord> { Record(false, "reply", null, OptOutAt), Record(true, "admin", null, OptOutAt.AddHours(1)) };

        ConsentRules.Assess(records);
        var state = Assert.Single(ConsentState.Current(records));

        Assert.Equal(1, state.Record.Id);
        Assert.Equal(2, state.Sequence);
    }

    private ConsentRecord Record(
        bool granted, string method, string? documentRef, DateTimeOffset capturedAt, string channel = "sms", string purpose = "service") =>
        new()
        {
            Id = ++_id,
            ClinicId = "msk-1",
            Contact = "+79161234567",
            ContactKind = ContactKinds.Phone,
            Channel = channel,
            Purpose = purpose,
            Granted = granted,
            Method = method,
            Source = "test",
            DocumentRef = documentRef,
            CapturedAt = capturedAt,
            RecordedAt = capturedAt,
        };
}
