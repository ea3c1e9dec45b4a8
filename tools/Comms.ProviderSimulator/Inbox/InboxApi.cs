using Comms.ProviderSimulator.Faults;
using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Requests;
using Comms.ProviderSimulator.SmsAero;
using Comms.ProviderSimulator.Smsc;
using Comms.ProviderSimulator.SmsRu;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comms.ProviderSimulator.Inbox;

public static class InboxApi
{
    public static IEndpointRouteBuilder MapInboxApi(this IEndpointRouteBuilder endpoints)
    {
        var sim = endpoints.MapGroup("/sim").WithTags("Inbox");

        sim.MapGet("/messages", List)
            .WithSummary("Messages any provider accepted for a phone (any format of 'to'), oldest first; without 'to', every message.");
        sim.MapDelete("/messages", Clear)
            .WithSummary("Forgets every message, send request and fault, and resets every provider's balance.");
        sim.MapGet("/requests", (SendRequestLog log) => TypedResults.Ok(log.List()))
            .WithSummary("Every send request any provider received, refused and failed ones included, oldest first.");

        return endpoints;
    }

    private static Results<Ok<IReadOnlyList<InboxMessage>>, ValidationProblem> List(string? to, MessageInbox inbox)
    {
        if (to is null)
        {
            return TypedResults.Ok(inbox.List());
        }

        return PhoneNumber.TryNormalize(to, out var phone)
            ? TypedResults.Ok(inbox.List(phone.E164))
            : TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["to"] = ["Not a phone number (11 to 15 digits after normalization)."],
            });
    }

    private static NoContent Clear(
        MessageInbox inbox,
        SendRequestLog requests,
        FaultStore faults,
        SmsRuAccount smsRu,
        SmscAccount smsc,
        SmsAeroAccount smsAero)
    {
        inbox.Clear();
        requests.Clear();
        faults.Clear();
        smsRu.ResetBalance();
        smsc.ResetBalance();
        smsAero.ResetBalance();
        return TypedResults.NoContent();
    }
}
