using System.Text.Json.Serialization;

namespace Eaio.Routing;

/// <summary>
/// The audit entry's JSON, source-generated so appending a record does not walk the entry by reflection on every call.
/// </summary>
/// <remarks>
/// Its output must stay byte for byte what <see cref="AuditChain"/> has always written (enum names, every property
/// written, declaration order, the default escaping): stored records are verified against the hash of that text.
/// </remarks>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = false)]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(SortedDictionary<string, int>))]
internal sealed partial class AuditEntryJsonContext : JsonSerializerContext;
