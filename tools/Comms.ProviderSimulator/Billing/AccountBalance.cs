namespace Comms.ProviderSimulator.Billing;

/// <summary>A provider account's money: charged per message, topped up or set by hand, restored by a reset. Thread-safe.</summary>
public sealed class AccountBalance
{
    private readonly Lock _gate = new();
    private readonly decimal _starting;
    private decimal _balance;

    public AccountBalance(decimal starting)
    {
        _starting = starting;
        _balance = starting;
    }

    public decimal Current
    {
        get
        {
            lock (_gate)
            {
                return _balance;
            }
        }
    }

    /// <summary>Takes the amount when the balance covers it; false (and nothing taken) otherwise.</summary>
    public bool TryCharge(decimal amount)
    {
        lock (_gate)
        {
            if (amount > _balance)
            {
                return false;
            }

            _balance -= amount;
            return true;
        }
    }

    /// <summary>Adds money, as a payment into the provider's cabinet does; returns the new balance.</summary>
    public decimal TopUp(decimal amount)
    {
        lock (_gate)
        {
            _balance += amount;
            return _balance;
        }
    }

    /// <summary>Sets the balance outright: zero empties the account, to see how the system takes "no money".</summary>
    public void Set(decimal balance)
    {
        lock (_gate)
        {
            _balance = balance;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _balance = _starting;
        }
    }
}
