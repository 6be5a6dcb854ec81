using Microsoft.Extensions.AI;
using Microsoft.Extensions.Compliance.Classification;

namespace Eaio.Routing;

/// <summary>The sensitivity tag a message or content carries under <see cref="EaioChatOptionsExtensions.SensitivityKey"/>.</summary>
internal static class SensitivityTag
{
    /// <summary>Reads the tag; <see cref="DataSensitivity.Public"/> when there is none.</summary>
    /// <exception cref="FormatException">The tag is not a sensitivity: callers treat that as the worst case.</exception>
    public static DataSensitivity Read(AdditionalPropertiesDictionary? properties, IDictionary<DataClassification, DataSensitivity>? classifications = null)
    {
        if (properties is null || !properties.TryGetValue(EaioChatOptionsExtensions.SensitivityKey, out object? value))
        {
            return DataSensitivity.Public;
        }

        return value switch
        {
            DataSensitivity s when Enum.IsDefined(s) => s,
            DataClassification classification => Map(classification, classifications),
            string text when Enum.TryParse(text, ignoreCase: true, out DataSensitivity parsed) && Enum.IsDefined(parsed) && !char.IsDigit(text[0]) => parsed,

            // An unreadable tag is treated as the worst case rather than ignored.
            _ => throw new FormatException($"The sensitivity tag '{value}' is not one of PUBLIC, SENSITIVE, CRITICAL."),
        };
    }

    private static DataSensitivity Map(DataClassification classification, IDictionary<DataClassification, DataSensitivity>? classifications)
    {
        if (classifications is not null && classifications.TryGetValue(classification, out DataSensitivity mapped))
        {
            return mapped;
        }

        if (classification.TaxonomyName == EaioDataClassifications.TaxonomyName
            && Enum.TryParse(classification.Value, ignoreCase: true, out DataSensitivity own) && Enum.IsDefined(own) && !char.IsDigit(classification.Value[0]))
        {
            return own;
        }

        // No classification is the absence of a label, not a label to distrust.
        return classification == DataClassification.None ? DataSensitivity.Public : DataSensitivity.Critical;
    }
}
