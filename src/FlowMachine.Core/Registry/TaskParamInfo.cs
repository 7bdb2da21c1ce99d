namespace FlowMachine.Registry;

/// <summary>One param of a task type.</summary>
public sealed record TaskParamInfo(string Name, string Description, bool Required, bool Secret);
