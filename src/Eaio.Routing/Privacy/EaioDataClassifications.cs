using Microsoft.Extensions.Compliance.Classification;

namespace Eaio.Routing;

/// <summary>
/// The three EAIO classes as Microsoft.Extensions.Compliance <see cref="DataClassification"/>s, so data classified for
/// redaction and logging can also tag messages and contents for routing.
/// </summary>
/// <remarks>Classifications of other taxonomies are mapped with <see cref="EaioHybridChatOptions.DataClassifications"/>;
/// one that is not mapped is treated as CRITICAL, because an unknown label must never let data out.</remarks>
public static class EaioDataClassifications
{
    /// <summary>The taxonomy name of the EAIO classes.</summary>
    public const string TaxonomyName = "EAIO";

    /// <summary>Gets the PUBLIC class.</summary>
    public static DataClassification Public { get; } = new(TaxonomyName, "PUBLIC");

    /// <summary>Gets the SENSITIVE class.</summary>
    public static DataClassification Sensitive { get; } = new(TaxonomyName, "SENSITIVE");

    /// <summary>Gets the CRITICAL class.</summary>
    public static DataClassification Critical { get; } = new(TaxonomyName, "CRITICAL");
}
