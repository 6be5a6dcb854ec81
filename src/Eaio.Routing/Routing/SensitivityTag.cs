using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>The sensitivity tag a message or content carries under <see cref="EaioChatOptionsExtensions.SensitivityKey"/>.</summary>
internal static class SensitivityTag
{
    /// <summary>Reads the tag; <see cref="DataSensitivity.Public"/> when there is none.</summary>
    /// <exception cref="FormatException">The tag is not a sensitivity: callers treat that as the worst case.</exception>
    public static DataSensitivity Read(AdditionalPropertiesDictionary? properties)
    {
        if (properties is null || !properties.TryGetValue(EaioChatOptionsExtensions.SensitivityKey, out object? value))
        {
            return DataSensitivity.Public;
        }

        return value switch
        {
            DataSensitivity s when Enum.IsDefined(s) => s,
            string text when Enum.TryParse(text, ignoreCase: true, out DataSensitivity parsed) && Enum.IsDefined(parsed) && !char.IsDigit(text[0]) => parsed,

            // An unreadable tag is treated as the worst case rather than ignored.
            _ => throw new FormatException($"The sensitivity tag '{value}' is not one of PUBLIC, SENSITIVE, CRITICAL."),
        };
    }
}
