namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>What the hooks page shows besides the list: a notice (HTML, every value encoded) or an error, a secret shown once, and the create form's values.</summary>
internal sealed record HooksPageState(string? Notice = null, string? Error = null, HookSecretShown? Secret = null, HookFormValues? Form = null);
