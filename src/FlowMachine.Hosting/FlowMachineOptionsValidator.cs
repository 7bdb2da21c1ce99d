using Microsoft.Extensions.Options;

namespace FlowMachine.Hosting;

/// <summary>Fails the host's start with every problem in the options, each naming its setting.</summary>
internal sealed class FlowMachineOptionsValidator : IValidateOptions<FlowMachineOptions>
{
    public ValidateOptionsResult Validate(string? name, FlowMachineOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
