namespace Comms.Gateway.Sms.Providers.Smsc;

public sealed class SmscProviderFactory : ISmsProviderFactory
{
    public string ProviderType => SmscClient.Type;

    public IEnumerable<string> Validate(string account, SmsAccountOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Login))
        {
            yield return $"Sms:Accounts:{account}:Login is required for SMSC.ru: the account's login (env Sms__Accounts__{account}__Login)";
        }

        if (string.IsNullOrWhiteSpace(options.Password))
        {
            yield return $"Sms:Accounts:{account}:Password is required for SMSC.ru: the API password, which also signs its callbacks (env Sms__Accounts__{account}__Password)";
        }
    }

    public ISmsProvider Create(string account, SmsAccountOptions options, HttpClient http) => new SmscClient(account, options, http);
}
