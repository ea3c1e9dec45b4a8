using Comms.ProviderSimulator.Phones;

namespace Comms.ProviderSimulator.SmsRu;

/// <summary>
/// Entries of SMS.ru's callback convention: each POSTed as a form field <c>data[N]</c>, lines separated by "\n",
/// the first naming the kind of entry. The receiver answers "100".
/// </summary>
public static class SmsRuCallbackData
{
    /// <summary>A delivery receipt, as SMS.ru documents it.</summary>
    public static string SmsStatus(string smsId, int statusCode, DateTimeOffset at) =>
        $"sms_status\n{smsId}\n{statusCode}\n{at.ToUnixTimeSeconds()}";

    /// <summary>
    /// An inbound message to the virtual number. SMS.ru's public docs describe only sms_status, so this shape is the
    /// simulator's reading of the same convention; the text comes last because it may itself hold newlines.
    /// </summary>
    public static string SmsIncome(PhoneNumber from, PhoneNumber to, DateTimeOffset at, string text) =>
        $"sms_income\n{from.Digits}\n{to.Digits}\n{at.ToUnixTimeSeconds()}\n{text}";
}
