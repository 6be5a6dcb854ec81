using Eaio.Routing;
using Eaio.Routing.Gateway;

// An OpenAI-compatible HTTP front for the EAIO router: any OpenAI client gets its routing, privacy and budget rules.
if (GatewayCommandLine.TryAnswer(args, Console.Out) is { } answered)
{
    return answered;
}

try
{
    await using Microsoft.AspNetCore.Builder.WebApplication app = GatewayApp.Create(args);
    await app.RunAsync();
    return 0;
}
catch (EaioConfigurationException ex)
{
    // A configuration error is the operator's to fix: say what is wrong, without a stack trace.
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}
