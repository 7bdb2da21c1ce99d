namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>What the events page shows besides the listing: the filter, a notice or error, and what the raise form keeps after a refusal.</summary>
internal sealed record EventsPageState(string? Name, string? Key, string? Notice, string? Error = null,
    string? RaiseName = null, string? RaiseKey = null, string? RaiseValue = null, string? RaiseId = null);
