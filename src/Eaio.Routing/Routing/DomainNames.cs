namespace Eaio.Routing;

/// <summary>The names of the domains, made once: a request without a category is learnt under its domain's name, and
/// <see cref="Enum.ToString()"/> would make a new string for every request.</summary>
internal static class DomainNames
{
    private static readonly string[] s_names = [.. Enum.GetValues<RequestDomain>().Select(d => "domain:" + d)];

    public static string Of(RequestDomain domain) => (uint)domain < (uint)s_names.Length ? s_names[(int)domain] : "domain:" + domain;
}
