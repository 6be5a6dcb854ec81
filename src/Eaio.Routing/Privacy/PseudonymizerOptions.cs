namespace Eaio.Routing;

/// <summary>Options of <see cref="Pseudonymizer"/>.</summary>
public sealed class PseudonymizerOptions
{
    /// <summary>Gets the policy per entity type (case-insensitive); types not listed use <see cref="DefaultPolicy"/>.</summary>
    public IDictionary<string, EntityPolicy> EntityPolicies { get; } =
        new Dictionary<string, EntityPolicy>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the policy for types not in <see cref="EntityPolicies"/>; <see cref="EntityPolicy.Pseudonymize"/> by default.</summary>
    public EntityPolicy DefaultPolicy { get; set; } = EntityPolicy.Pseudonymize;
}
