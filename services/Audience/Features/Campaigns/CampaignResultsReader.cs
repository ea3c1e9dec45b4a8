using System.Globalization;
using System.Text;
using Comms.Audience.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Audience.Features.Campaigns;

/// <summary>
/// What a campaign brought, per variant and for the holdout: sent, delivered, opted out, replied; the bookings the MIS
/// told of for a recipient within the attribution days of their message (the holdout: of the time theirs would have
/// gone), and the amount paid for those of them completed; the lift of the booking rate over the holdout with its 95 %
/// confidence interval (normal approximation of the difference of two proportions).
/// </summary>
public sealed class CampaignResultsReader(AudienceDbContext db, TimeProvider time)
{
    /// <summary>A campaign's results; a journey's are those of all its batches together.</summary>
    public async Task<CampaignResults> ReadAsync(Guid campaignId, CampaignPlan plan, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Guid[] ids = [campaignId, .. await db.Campaigns.AsNoTracking().Where(c => c.ParentId == campaignId).Select(c => c.Id).ToListAsync(cancellationToken)];
        var days = plan.AttributionDays;
        var rows = await db.Database.SqlQuery<GroupRow>($"""
            SELECT r."Group" AS "Group",
                   count(*)::int AS "Patients",
                   (count(*) FILTER (WHERE r."State" = 'sent'))::int AS "Sent",
                   (count(*) FILTER (WHERE m."Status" = 'delivered'))::int AS "Delivered",
                   (count(*) FILTER (WHERE r."State" = 'sent' AND m."Status" IN ('failed-permanent', 'failed-temporary', 'expired', 'blocked')))::int AS "NotDelivered",
                   (count(*) FILTER (WHERE m."RepliedAt" IS NOT NULL))::int AS "Replied",
                   (count(*) FILTER (WHERE r."State" = 'sent' AND c."Granted" = false AND c."ChangedAt" >= r."SentAt"))::int AS "OptedOut",
                   (count(*) FILTER (WHERE coalesce(r."SentAt", r."DueAt") <= {now}))::int AS "Reached",
                   coalesce(sum(b."Bookings"), 0)::int AS "Bookings",
                   (count(*) FILTER (WHERE b."Bookings" > 0))::int AS "BookedPatients",
                   coalesce(sum(b."Revenue"), 0) AS "Revenue"
            FROM campaign_recipients r
            LEFT JOIN messages m ON m."MessageId" = r."MessageId"
            LEFT JOIN channel_consents c ON c."ClinicId" = r."ClinicId" AND c."PatientId" = r."PatientId" AND c."Channel" = r."Channel" AND c."Purpose" = 'marketing'
            LEFT JOIN LATERAL (
                SELECT count(*) AS "Bookings", sum(v."Amount") FILTER (WHERE v."Status" = 'completed') AS "Revenue"
                FROM visits v
                WHERE v."ClinicId" = r."ClinicId" AND v."PatientId" = r."PatientId"
                  AND v."BookedAt" >= coalesce(r."SentAt", r."DueAt")
                  AND v."BookedAt" < coalesce(r."SentAt", r."DueAt") + make_interval(days => {days})
            ) b ON coalesce(r."SentAt", r."DueAt") <= {now}
            WHERE r."CampaignId" = ANY({ids}) AND r."Group" <> 'excluded'
              AND (r."State" <> 'cancelled' OR r."Reason" NOT IN ('campaign_stopped', 'campaign_ended'))
            GROUP BY r."Group"
            """).ToListAsync(cancellationToken);

        var groups = new[] { CampaignGroups.A, CampaignGroups.B, CampaignGroups.Holdout }
            .Select(g => rows.FirstOrDefault(r => r.Group == g) is { } row ? row.View() : null)
            .OfType<GroupResult>()
            .ToList();
        var treated = rows.Where(r => r.Group is CampaignGroups.A or CampaignGroups.B).ToList();
        var holdout = rows.FirstOrDefault(r => r.Group == CampaignGroups.Holdout);
        var lift = holdout is { Reached: > 0 } && treated.Sum(t => t.Reached) > 0
            ? Lift.Of(treated.Sum(t => t.BookedPatients), treated.Sum(t => t.Reached), holdout.BookedPatients, holdout.Reached)
            : null;
        return new CampaignResults(campaignId, days, groups, lift);
    }

    /// <summary>The results as a file Excel opens (UTF-8 with its mark, «;» between the fields, Russian headers).</summary>
    public static byte[] Csv(string name, CampaignResults results)
    {
        var csv = new StringBuilder();
        csv.Append("Рассылка;").Append(Field(name)).Append("\r\n");
        csv.Append("Группа;Пациентов;Отправлено;Доставлено;Не доставлено;Отказались;Ответили;Записей за ")
            .Append(results.AttributionDays.ToString(CultureInfo.InvariantCulture)).Append(" дн.;Записались;Доля записавшихся, %;Выручка, ₽\r\n");
        foreach (var g in results.Groups)
        {
            csv.AppendJoin(';', g.Title, g.Patients, g.Sent, g.Delivered, g.NotDelivered, g.OptedOut, g.Replied, g.Bookings, g.BookedPatients,
                    (g.BookingRate * 100).ToString("0.##", RussianNumbers), g.Revenue.ToString("0.##", RussianNumbers))
                .Append("\r\n");
        }

        if (results.Lift is { } lift)
        {
            csv.Append("Прирост доли записавшихся к контрольной группе, п. п.;")
                .Append((lift.Difference * 100).ToString("0.##", RussianNumbers)).Append(";95 % интервал;")
                .Append((lift.Low * 100).ToString("0.##", RussianNumbers)).Append(" … ").Append((lift.High * 100).ToString("0.##", RussianNumbers))
                .Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    private static readonly CultureInfo RussianNumbers = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>A text field as Excel reads it: quoted, and never taken for a formula.</summary>
    private static string Field(string value)
    {
        var safe = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        return "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    internal sealed class GroupRow
    {
        public string Group { get; set; } = "";

        public int Patients { get; set; }

        public int Sent { get; set; }

        public int Delivered { get; set; }

        public int NotDelivered { get; set; }

        public int Replied { get; set; }

        public int OptedOut { get; set; }

        public int Reached { get; set; }

        public int Bookings { get; set; }

        public int BookedPatients { get; set; }

        public decimal Revenue { get; set; }

        public GroupResult View() => new(Group, GroupTitle(Group), Patients, Sent, Delivered, NotDelivered, OptedOut, Replied, Bookings, BookedPatients, Revenue,
            Reached == 0 ? 0 : (double)BookedPatients / Reached);
    }

    public static string GroupTitle(string group) => group switch
    {
        CampaignGroups.A => "Вариант А",
        CampaignGroups.B => "Вариант Б",
        CampaignGroups.Holdout => "Контрольная группа (ничего не получила)",
        _ => group,
    };
}

/// <param name="AttributionDays">A booking within this many days of the message counts.</param>
/// <param name="Lift">Null until both the treated and the holdout have someone whose time has come.</param>
public sealed record CampaignResults(Guid CampaignId, int AttributionDays, IReadOnlyList<GroupResult> Groups, Lift? Lift);

/// <param name="Patients">In the group (a variant: those planned, sent or cancelled for their own reason at their time).</param>
/// <param name="NotDelivered">Sent on their way but ended failed, expired or blocked at the gateway (its consent gate, a stop-list, a bad number).</param>
/// <param name="Bookings">Bookings within the attribution days.</param>
/// <param name="BookedPatients">Patients with at least one.</param>
/// <param name="Revenue">Paid for the attributed visits that were completed.</param>
/// <param name="BookingRate">Booked patients of those whose time has come.</param>
public sealed record GroupResult(
    string Group, string Title, int Patients, int Sent, int Delivered, int NotDelivered, int OptedOut, int Replied, int Bookings, int BookedPatients,
    decimal Revenue, double BookingRate);

/// <summary>The booking rate of those sent to (both variants) minus the holdout's, with a 95 % interval; fractions, not percent.</summary>
public sealed record Lift(double Treated, double Holdout, double Difference, double Low, double High, double? Relative)
{
    public static Lift Of(int treatedBooked, int treated, int holdoutBooked, int holdout)
    {
        double p1 = (double)treatedBooked / treated, p0 = (double)holdoutBooked / holdout;
        var error = Math.Sqrt(p1 * (1 - p1) / treated + p0 * (1 - p0) / holdout);
        var difference = p1 - p0;
        return new Lift(p1, p0, difference, difference - 1.96 * error, difference + 1.96 * error, p0 > 0 ? difference / p0 : null);
    }
}
