using System.Collections;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Compliance.Classification;

namespace Eaio.Routing;

/// <summary>
/// Reads the sensitivity a tool result declares, at any depth: an <see cref="ISensitivityTagged"/> result, a tagged
/// <see cref="AIContent"/>, or such items inside a list the tool returned.
/// </summary>
/// <remarks>
/// A tool often returns several contents or records, and only one of them may be one building's readings: reading the
/// top level alone would let that one out. Shared by the profiler and the egress guard so both see the same tags.
/// </remarks>
internal static class ToolResultSensitivity
{
    // Deeper than any real tool result; past it the result is not understood, so it counts as the worst case.
    private const int MaxDepth = 32;

    /// <summary>Reads the highest sensitivity declared inside a tool result; <see cref="DataSensitivity.Public"/> when none is.</summary>
    /// <exception cref="FormatException">A tag is not a sensitivity: callers treat that as the worst case.</exception>
    public static DataSensitivity Read(object? result, IDictionary<DataClassification, DataSensitivity>? classifications) =>
        Read(result, classifications, 0);

    private static DataSensitivity Read(object? value, IDictionary<DataClassification, DataSensitivity>? classifications, int depth)
    {
        if (depth > MaxDepth)
        {
            return DataSensitivity.Critical;
        }

        switch (value)
        {
            case null or string:
                return DataSensitivity.Public;
            case ISensitivityTagged tagged:
                // An undefined value is not understood, so it counts as the worst case.
                return Enum.IsDefined(tagged.Sensitivity) ? tagged.Sensitivity : DataSensitivity.Critical;
            case FunctionResultContent nested:
                return Max(SensitivityTag.Read(nested.AdditionalProperties, classifications), Read(nested.Result, classifications, depth + 1));
            case AIContent content:
                return SensitivityTag.Read(content.AdditionalProperties, classifications);
            case Array array when array.GetType().GetElementType() is { IsPrimitive: true }:
            case IEnumerable<double> or IEnumerable<float> or IEnumerable<decimal> or IEnumerable<int> or IEnumerable<long>:
                // Numbers and bytes carry no tag; walking them would box every element of a large series.
                return DataSensitivity.Public;
            case IDictionary<string, object?> record:
                return Read(record.Values, classifications, depth + 1);
            case IEnumerable items:
                DataSensitivity highest = DataSensitivity.Public;
                foreach (object? item in items)
                {
                    highest = Max(highest, Read(item, classifications, depth + 1));
                    if (highest == DataSensitivity.Critical)
                    {
                        break;
                    }
                }

                return highest;
            default:
                return DataSensitivity.Public;
        }
    }

    private static DataSensitivity Max(DataSensitivity a, DataSensitivity b) => a >= b ? a : b;
}
