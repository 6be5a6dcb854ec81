using System.Globalization;

namespace Eaio.Routing;

/// <summary>A call needs more than remains of its tenant's budget; nothing was reserved and nothing was sent.</summary>
public sealed class BudgetExceededException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="BudgetExceededException"/> class.</summary>
    public BudgetExceededException()
        : this("The budget is exhausted.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BudgetExceededException"/> class.</summary>
    /// <param name="message">The message.</param>
    public BudgetExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BudgetExceededException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BudgetExceededException"/> class.</summary>
    /// <param name="status">Where the budget stood when the reservation was refused.</param>
    /// <param name="requestedUsd">What the call needed.</param>
    public BudgetExceededException(BudgetStatus status, decimal requestedUsd)
        : base(Describe(status, requestedUsd))
    {
        Status = status;
        RequestedUsd = requestedUsd;
    }

    /// <summary>Gets where the budget stood: spent, reserved, remaining, alert state and when it resets.</summary>
    public BudgetStatus? Status { get; }

    /// <summary>Gets what the call needed in US dollars (its worst-case cost).</summary>
    public decimal RequestedUsd { get; }

    private static string Describe(BudgetStatus status, decimal requestedUsd)
    {
        ArgumentNullException.ThrowIfNull(status);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"The budget of {(status.TenantId is null ? "the host" : $"tenant '{status.TenantId}'")} for {status.Period.Label} has ${status.RemainingUsd:0.######} left (spent ${status.SpentUsd:0.######}, reserved ${status.ReservedUsd:0.######} of ${status.BudgetUsd:0.##}); this call needs up to ${requestedUsd:0.######}. It resets at {status.ResetsAt:u}. Raise LLM_MONTHLY_BUDGET, lower the request's MaxOutputTokens, or route it locally.");
    }
}
