using System.Text;
using Comms.StaffAccounts;

// Prints the hash of a staff password, the line to put in Staff:Accounts:N:PasswordHash:
//   dotnet run --project tools/Comms.StaffPassword            (asks twice, without echo)
//   printf '%s' "$PASSWORD" | dotnet run --project tools/Comms.StaffPassword
// The password is read from standard input, never from the command line, so it stays out of the shell's history.
if (args.Length > 0)
{
    await Console.Error.WriteLineAsync(
        "usage: dotnet run --project tools/Comms.StaffPassword\n" +
        "The password is read from standard input (asked on the terminal, or one line piped in), never from the command line: it would stay in the shell's history.");
    return 2;
}

string? password;
if (Console.IsInputRedirected)
{
    password = (await Console.In.ReadLineAsync())?.TrimEnd('\r');
}
else
{
    password = Ask("Пароль: ");
    if (password is not null && Ask("Ещё раз: ") != password)
    {
        await Console.Error.WriteLineAsync("Пароли не совпали; ничего не напечатано.");
        return 1;
    }
}

if (string.IsNullOrEmpty(password))
{
    await Console.Error.WriteLineAsync("Пустой пароль: ничего не напечатано.");
    return 1;
}

Console.WriteLine(StaffPasswords.Hash(password));
return 0;

// Reads a line from the terminal without showing it.
static string? Ask(string prompt)
{
    Console.Error.Write(prompt);
    var typed = new StringBuilder();
    while (true)
    {
        var key = Console.ReadKey(intercept: true);
        switch (key.Key)
        {
            case ConsoleKey.Enter:
                Console.Error.WriteLine();
                return typed.ToString();
            case ConsoleKey.Backspace when typed.Length > 0:
                typed.Length--;
                break;
            default:
                if (key.KeyChar == '\u0004' && typed.Length == 0)
                {
                    return null;
                }

                if (!char.IsControl(key.KeyChar))
                {
                    typed.Append(key.KeyChar);
                }

                break;
        }
    }
}
