using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NUnit.Framework;

namespace Eaio.Routing.Tests.Composition;

/// <summary>
/// The router only plans and walks routes (issue 15): every other concern is middleware of a route. These limits are
/// the design card's, checked on the source so a concern wired back into the router shows up as a failing test, not in
/// a review months later.
/// </summary>
[TestFixture]
public sealed class RouterSizeTests
{
    private const int MaxFileLines = 500;
    private const int MaxMemberLines = 80;

    private static string RouterSource() =>
        File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "src", "Eaio.Routing", "Routing", "HybridRouterChatClient.cs"));

    [Test]
    public void The_router_file_stays_under_500_lines()
    {
        int lines = RouterSource().Split('\n').Length;

        Assert.That(lines, Is.LessThan(MaxFileLines), "HybridRouterChatClient.cs grew back: move the new concern into a middleware or a helper type.");
    }

    [Test]
    public void No_member_of_the_router_is_over_80_lines()
    {
        SyntaxTree tree = CSharpSyntaxTree.ParseText(RouterSource());
        var members = tree.GetRoot().DescendantNodes().OfType<BaseMethodDeclarationSyntax>()
            .Select(m => (Name: m is MethodDeclarationSyntax method ? method.Identifier.Text : m.Kind().ToString(), Lines: LineCount(tree, m)))
            .ToList();

        Assert.That(members, Is.Not.Empty, "no method found: the parse is wrong, not the router");
        Assert.That(members.Where(m => m.Lines > MaxMemberLines).Select(m => $"{m.Name}: {m.Lines} lines"), Is.Empty);
    }

    private static int LineCount(SyntaxTree tree, SyntaxNode member)
    {
        // The body only: XML docs and attributes above a method are not its length.
        SyntaxNode body = member is BaseMethodDeclarationSyntax { Body: { } block } ? block : member;
        FileLinePositionSpan span = tree.GetLineSpan(body.Span);
        return span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
    }
}
