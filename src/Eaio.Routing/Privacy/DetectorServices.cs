using Microsoft.Extensions.DependencyInjection;

namespace Eaio.Routing;

/// <summary>The detectors a privacy layer uses when none are passed to it: the registered ones, else the default set.</summary>
internal static class DetectorServices
{
    public static IReadOnlyList<ISensitiveDataDetector> Resolve(IServiceProvider services)
    {
        // GetService rather than GetServices: a builder without services has a provider that holds no enumerables.
        ISensitiveDataDetector[] registered = [.. services.GetService<IEnumerable<ISensitiveDataDetector>>() ?? []];
        return registered.Length > 0 ? registered : SensitiveDataScanner.CreateDefault().Detectors;
    }
}
