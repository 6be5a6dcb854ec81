namespace Eaio.Routing;

/// <summary>
/// A tool result that declares how sensitive its data is. When a <see cref="Microsoft.Extensions.AI.FunctionResultContent"/>
/// in the conversation holds such an object, the router counts its <see cref="Sensitivity"/> like a tag on the message,
/// so a conversation that has received one building's readings (CRITICAL) stays local for every later request.
/// </summary>
/// <remarks>
/// <see cref="Microsoft.Extensions.AI.AIFunctionFactory"/> serializes a function's return value to a JSON element by default,
/// which drops the type; create the tool with <see cref="Microsoft.Extensions.AI.AIFunctionFactoryOptions.MarshalResult"/>
/// returning the object as it is so that the tag reaches the router. A declared sensitivity can only raise the
/// request's sensitivity: the detectors still scan the result's JSON, and an undefined value counts as CRITICAL.
/// </remarks>
public interface ISensitivityTagged
{
    /// <summary>Gets how sensitive the data is.</summary>
    DataSensitivity Sensitivity { get; }
}
