namespace Eaio.Routing;

/// <summary>What <see cref="Pseudonymizer"/> does with a sensitive value of a given entity type.</summary>
public enum EntityPolicy
{
    /// <summary>Replace it with a stable placeholder (<c>EMAIL_1</c>) and restore the original in the response.</summary>
    Pseudonymize = 0,

    /// <summary>
    /// Replace it with a coarser value the model may see. Coordinates are rounded to 0.1° (about 11 km of latitude: a
    /// city-level grid); types without a generaliser are redacted, because failing open would leak.
    /// </summary>
    Generalize = 1,

    /// <summary>Replace it with <c>[REDACTED_TYPE]</c>; it is not restorable.</summary>
    Redact = 2,
}
