namespace Comms.Gateway.Sms.Providers.SmsRu;

public sealed class SmsRuProviderFactory : ISmsProviderFactory
{
    public string ProviderType => SmsRuClient.Type;

    public IEnumerable<string> Validate(string account, SmsAccountOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ApiId))
        {
            yield return $"Sms:Accounts:{account}:ApiId is required for SMS.ru: the api_id from the account's cabinet (env Sms__Accounts__{account}__ApiId)";
        }
    }

    public ISmsProvider Create(string account, SmsAccountOptions options, HttpClient http) => new SmsRuClient(account, options, http);
}
