namespace Comms.Gateway.Sms.Providers.SmsAero;

public sealed class SmsAeroProviderFactory : ISmsProviderFactory
{
    public string ProviderType => SmsAeroClient.Type;

    public IEnumerable<string> Validate(string account, SmsAccountOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Email))
        {
            yield return $"Sms:Accounts:{account}:Email is required for SMS Aero: the account's e-mail, its API user (env Sms__Accounts__{account}__Email)";
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            yield return $"Sms:Accounts:{account}:ApiKey is required for SMS Aero: the API key from the account's settings (env Sms__Accounts__{account}__ApiKey)";
        }

        // SMS Aero sends a receipt only to the callbackUrl that came with the message, built from this.
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            yield return $"Sms:Accounts:{account}:PublicBaseUrl is required for SMS Aero: its receipts go to each message's callbackUrl, {{PublicBaseUrl}}/webhooks/sms/{account}?token=… (env Sms__Accounts__{account}__PublicBaseUrl)";
        }
    }

    public ISmsProvider Create(string account, SmsAccountOptions options, HttpClient http) => new SmsAeroClient(account, options, http);
}
