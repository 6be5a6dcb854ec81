namespace Eaio.Routing;

/// <summary>A detector that threw while scanning; the scan then classes the request CRITICAL.</summary>
/// <param name="Detector">The detector that threw.</param>
/// <param name="Exception">What it threw.</param>
public sealed record SensitiveDataDetectorFailure(ISensitiveDataDetector Detector, Exception Exception);
