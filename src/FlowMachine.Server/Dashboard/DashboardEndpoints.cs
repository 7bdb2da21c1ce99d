using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Registry;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Dashboard.Forms;
using FlowMachine.Server.Dashboard.Pages;
using FlowMachine.Server.Flows;
using FlowMachine.Server.Resume;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Dashboard;

/// <summary>
/// The dashboard's routes at <c>/</c>. Pages need the session cookie (the API's bearer keys do not open
/// them, and the cookie does not open the API); every POST checks its antiforgery token.
/// </summary>
internal static class DashboardEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        DashboardAssets.Map(endpoints);
        endpoints.MapGet("/signin", (HttpContext http, string? returnUrl) => SignIn.Page(http, returnUrl)).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapPost("/signin", SignIn.PostAsync).AllowAnonymous().ExcludeFromDescription();

        var pages = endpoints.MapGroup(string.Empty).RequireAuthorization(DashboardDefaults.Policy).ExcludeFromDescription();
        pages.MapPost("/signout", (Delegate)SignIn.SignOutAsync);
        pages.MapGet("/", OverviewPage.RenderAsync);
        pages.MapGet("/flows", FlowsPage.RenderAsync);
        pages.MapGet("/flows/rows", FlowsPage.RowsAsync);
        pages.MapPost("/flows/bulk", BulkForms.SelectedAsync);
        pages.MapGet("/flows/bulk/confirm", BulkForms.ConfirmAsync);
        pages.MapPost("/flows/bulk/confirm", BulkForms.RetryFailedAsync);
        pages.MapGet("/flows/{id}", (HttpContext http, FlowVerbs verbs, FlowPageReads reads, string id, string? notice, CancellationToken ct) => FlowPage.RenderAsync(http, verbs, reads, id, notice, ct));
        pages.MapGet("/flows/{id}/details", FlowPage.DetailsAsync);
        pages.MapGet("/flows/{id}/actions", FlowActionsPanel.RenderAsync);
        pages.MapGet("/flows/{id}/live", LiveAsync);
        pages.MapPost("/flows/{id}/{action:regex(^(push|submit|event|cancel|reset|retry|position)$)}", FlowActions.HandleAsync);
        pages.MapPost("/flows/{id}/{action:regex(^(suspend|resume)$)}", PauseForms.FlowAsync);
        pages.MapPost("/routines/{name}/{action:regex(^(pause|resume)$)}", PauseForms.RoutineAsync);
        pages.MapGet("/routines", (HttpContext http, Storage.IRoutineStore routines, CancellationToken ct) => RoutinesPage.RenderAsync(http, routines, ct));
        pages.MapPost("/routines", RoutineForms.AddAsync);
        pages.MapGet("/routines/{name}", (HttpContext http, Storage.IRoutineStore routines, string name, int? version, CancellationToken ct) => RoutinePage.RenderAsync(http, routines, name, version, ct));
        pages.MapPost("/routines/{name}/start", RoutineForms.StartAsync);
        pages.MapGet("/schedules", (HttpContext http, ScheduleVerbs schedules, string? done, string? name, string? flow, CancellationToken ct) => SchedulesPage.RenderAsync(http, schedules, done, name, flow, ct));
        pages.MapGet("/schedules/{name}", (HttpContext http, ScheduleVerbs schedules, Storage.IFlowQueryStore flows, string name, string? done, string? flow, CancellationToken ct) => SchedulePage.RenderAsync(http, schedules, flows, name, done, flow, ct));
        pages.MapPost("/schedules/{name}/{action:regex(^(pause|resume|trigger)$)}", ScheduleForms.HandleAsync);
        pages.MapGet("/events", (HttpContext http, EventVerbs events, string? name, string? key, string? raised, int? reached, CancellationToken ct) =>
            EventsPage.RenderAsync(http, events, name, key, raised, reached, ct));
        pages.MapPost("/events", EventForms.RaiseAsync);
        pages.MapGet("/hooks", (HttpContext http, FlowMachine.Hooks.HookVerbs hooks, Storage.IRoutineStore routines, string? deleted, CancellationToken ct) => HooksPage.RenderAsync(http, hooks, routines, deleted, ct));
        pages.MapPost("/hooks", HookForms.CreateAsync);
        pages.MapPost("/hooks/{name}/rotate", HookForms.RotateAsync);
        pages.MapGet("/hooks/{name}/delete", HookForms.ConfirmDeleteAsync);
        pages.MapPost("/hooks/{name}/delete", HookForms.DeleteAsync);
        pages.MapGet("/tasks", (HttpContext http, ITaskCatalog catalog) => TasksPage.Render(http, catalog));
        pages.MapGet("/workers", (HttpContext http, Storage.IFlowStore store, TimeProvider time, CancellationToken ct) => WorkersPage.RenderAsync(http, store, time, ct));
        pages.MapGet("/users", (HttpContext http, FlowMachine.Storage.IUserStore users, CancellationToken ct) => UsersPage.RenderAsync(http, users, ct));
        pages.MapPost("/users/{name}/rotate", UserForms.RotateAsync);
        pages.MapPost("/users/{name}/revoke", UserForms.RevokeAsync);
    }

    /// <summary>The API's flow stream for the session cookie: the flow document now and after every change.</summary>
    private static async Task<IResult> LiveAsync(HttpContext http, string id, FlowVerbs verbs, IFlowClient client, IFlowChangeFeed feed, FlowMachineServerOptions options, CancellationToken cancellationToken)
    {
        if (await verbs.FindAsync(id, Callers.From(http.User), cancellationToken).ConfigureAwait(false) is null)
        {
            return Results.NotFound();
        }

        var changes = FlowStream.ReadAsync(client, feed, id, ResumeUrls.For(http.Request), options.StreamRecheckInterval, http.RequestAborted);
        return TypedResults.ServerSentEvents(changes, FlowStream.EventType);
    }
}
