using System.Security.Cryptography;
using System.Text;

namespace Comms.Templating.Features.Accounts;

internal static class AccountPasswords
{
    /// <summary>
    /// The account with that user name (any case) and exactly that password. Passwords are compared as SHA-256 digests
    /// in constant time, and every account is checked, so the answer's timing tells nothing about which part was wrong.
    /// </summary>
    public static TemplatingAccount? Find(IEnumerable<TemplatingAccount> accounts, string userName, string password)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        TemplatingAccount? found = null;
        foreach (var account in accounts)
        {
            var nameMatches = string.Equals(account.UserName, userName.Trim(), StringComparison.OrdinalIgnoreCase);
            var passwordMatches = CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(account.Password)));
            if (nameMatches && passwordMatches && !string.IsNullOrEmpty(password))
            {
                found = account;
            }
        }

        return found;
    }
}
