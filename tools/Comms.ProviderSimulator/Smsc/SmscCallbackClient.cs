using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Receipts;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.Smsc;

/// <summary>
/// POSTs to the SMSC.ru account's status handler, form-encoded and signed with a sha1 of the fields and the account
/// password, as SMSC does: delivery receipts and patient replies. SMSC counts a call as taken when the handler answers
/// HTTP 200, and calls again otherwise.
/// </summary>
public sealed class SmscCallbackClient(HttpClient http, SmscAccount account, IOptions<SimulatorOptions> options) : IReceiptCallbacks
{
    public string Provider => ProviderNames.Smsc;

    public string InboxStatusOf(int statusCode) => SmscStatus.InboxStatusOf(statusCode);

    public string? CallbackUrlOf(PendingReceipt receipt) => options.Value.Smsc.CallbackUrl;

    public async Task<CallbackOutcome> PostReceiptAsync(
        string callbackUrl, PendingReceipt receipt, InboxMessage message, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var phone = receipt.To.Digits;
        var status = receipt.StatusCode.ToString(CultureInfo.InvariantCulture);
        using var content = new FormUrlEncodedContent(
        [
            KeyValuePair.Create("id", receipt.SmsId),
            KeyValuePair.Create("phone", phone),
            KeyValuePair.Create("status", status),
            KeyValuePair.Create("time", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            KeyValuePair.Create("err", (receipt.ErrorCode ?? 0).ToString(CultureInfo.InvariantCulture)),
            KeyValuePair.Create("sha1", Sha1($"{receipt.SmsId}:{phone}:{status}:{account.SigningPassword}")),
        ]);
        return await PostAsync(callbackUrl, content, cancellationToken);
    }

    /// <summary>A patient's SMS to the account's two-way number.</summary>
    /// <param name="smsId">SMSC's id of the inbound message.</param>
    public async Task<CallbackOutcome> PostReplyAsync(
        string callbackUrl, string smsId, PhoneNumber from, PhoneNumber to, string text, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var unix = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var content = new FormUrlEncodedContent(
        [
            KeyValuePair.Create("phone", from.Digits),
            KeyValuePair.Create("mes", text),
            KeyValuePair.Create("to", to.Digits),
            KeyValuePair.Create("smsid", smsId),
            KeyValuePair.Create("sent", unix),
            KeyValuePair.Create("time", unix),
            KeyValuePair.Create("sha1", Sha1($"{smsId}:{from.Digits}:{text}:{account.SigningPassword}")),
        ]);
        return await PostAsync(callbackUrl, content, cancellationToken);
    }

    /// <summary>Lower-case hex SHA-1 of the UTF-8 text: the signature SMSC adds when the handler asks for sha1.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage(
        "Security", "CA5350", Justification = "SMSC.ru's callback signature is SHA-1; the simulator must compute what SMSC sends.")]
    public static string Sha1(string text) =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));

    private Task<CallbackOutcome> PostAsync(string callbackUrl, HttpContent content, CancellationToken cancellationToken) =>
        CallbackOutcome.PostAsync(http, callbackUrl, content, (status, _) => status == StatusCodes.Status200OK, cancellationToken);
}
