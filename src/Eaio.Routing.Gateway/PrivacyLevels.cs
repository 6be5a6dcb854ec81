using Eaio.Routing;

namespace Eaio.Routing.Gateway;

/// <summary>Reads privacy levels the way people write them (<c>private</c>, <c>ENHANCED</c>, <c>Public</c>).</summary>
internal static class PrivacyLevels
{
    /// <summary>Parses a privacy level by name, ignoring case; numbers are refused so that "2" cannot mean PUBLIC by accident.</summary>
    /// <param name="text">The text.</param>
    /// <param name="level">The level.</param>
    /// <returns><see langword="true"/> when the text names a level.</returns>
    public static bool TryParse(string? text, out PrivacyLevel level)
    {
        level = PrivacyLevel.Private;
        if (string.IsNullOrWhiteSpace(text) || char.IsDigit(text.Trim()[0]) || text.Trim()[0] == '-')
        {
            return false;
        }

        return Enum.TryParse(text.Trim(), ignoreCase: true, out level) && Enum.IsDefined(level);
    }

    /// <summary>Gets the level's name as the OpenAI-style APIs write values: lower case.</summary>
    /// <param name="level">The level.</param>
    /// <returns>The name.</returns>
    public static string Name(PrivacyLevel level) => level switch
    {
        PrivacyLevel.Private => "private",
        PrivacyLevel.Enhanced => "enhanced",
        _ => "public",
    };
}
