using System.Text.Json.Serialization;

namespace Eaio.Routing;

/// <summary>
/// What a BDG2 tool returns: the data and its sensitivity, which the router reads through <see cref="ISensitivityTagged"/>
/// (one building's data CRITICAL, aggregates over at least 5 buildings SENSITIVE, weather alone PUBLIC). The model sees
/// the sensitivity (by name, for example <c>"Critical"</c>) and its basis too, in the result's JSON.
/// </summary>
/// <typeparam name="T">The type of the data.</typeparam>
/// <param name="Sensitivity">How sensitive the data is.</param>
/// <param name="Basis">Why it has that sensitivity.</param>
/// <param name="Data">The data.</param>
public sealed record Bdg2ToolResult<T>(
    [property: JsonConverter(typeof(JsonStringEnumConverter<DataSensitivity>))] DataSensitivity Sensitivity,
    string Basis,
    T Data) : ISensitivityTagged;
