using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>Finds the repository's files from the test output folder, so tests read <c>data/</c> by relative paths only.</summary>
internal static class RepositoryPaths
{
    public static string Root()
    {
        for (DirectoryInfo? directory = new(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EAIO.Routing.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("EAIO.Routing.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }

    public static string Data(params string[] parts) => Path.Combine([Root(), "data", .. parts]);
}
