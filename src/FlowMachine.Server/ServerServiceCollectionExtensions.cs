using FlowMachine.Server.Auth;
using FlowMachine.Server.Dashboard;
using FlowMachine.Server.Dashboard.Overview;
using FlowMachine.Server.Errors;
using FlowMachine.Server.Metrics;
using FlowMachine.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlowMachine.Server;

/// <summary>Adds the FlowMachine server's services: engine and worker on the store its host chooses, users, auth, errors, OpenAPI, metrics.</summary>
public static class ServerServiceCollectionExtensions
{
    /// <summary>Registers everything <see cref="ServerEndpointRouteBuilderExtensions.MapFlowMachine"/> needs.</summary>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    /// <param name="services">The service collection.</param>
    /// <param name="options">The server's settings.</param>
    /// <param name="configure">
    /// Chooses the store and adds task types on the server's <see cref="FlowMachineBuilder"/>, for example
    /// <c>flowMachine =&gt; flowMachine.UseSqlite("flows.db")</c> (FlowMachine.Sqlite) or <c>.UsePostgres(connectionString)</c>
    /// (FlowMachine.Postgres). The store must bring its user store (every <c>Use...</c> method does).
    /// </param>
    public static IServiceCollection AddFlowMachineServer(this IServiceCollection services, FlowMachineServerOptions options, Action<FlowMachineBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configure);
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        services.AddSingleton(options);
        var flowMachine = services.AddFlowMachine(o =>
        {
            o.RunWorker = options.RunWorker;
            o.MaxSpecBytes = options.MaxSpecBytes;
            o.MaxSpecSteps = options.MaxSpecSteps;
            o.MaxResultBytes = options.MaxResultBytes;
            options.Retention.CopyTo(o.Retention);
            if (options.Concurrency is { } concurrency)
            {
                o.Concurrency = concurrency;
            }

            if (options.PollInterval is { } poll)
            {
                o.PollInterval = poll;
            }

            foreach (var folder in options.TaskFolders)
            {
                o.TaskFolders.Add(folder);
            }

            foreach (var queue in options.Queues)
            {
                o.Queues.Add(queue);
            }
        });
        configure(flowMachine);
        if (!services.Any(s => s.ServiceType == typeof(IUserStore)))
        {
            throw new ArgumentException(
                "Choose the server's store on its FlowMachineBuilder (UseSqlite, UsePostgres or UseInMemory, or UseStore with a user store).",
                nameof(configure));
        }

        services.AddHostedService<AdminBootstrap>();
        services.AddSingleton<PrometheusMetrics>();
        services.AddSingleton<FlowMachine.Hooks.HookDeliverer>();

        services.AddSingleton<StepRate>();
        services.AddSingleton<Dashboard.Pages.FlowPageReads>();

        // Bearer keys stay the default (the API); the dashboard's cookie is a second scheme that only its pages accept.
        services.AddAuthentication(ApiKeyDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, null)
            .AddCookie(DashboardDefaults.Scheme, ConfigureSessionCookie);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyDefaults.AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(ApiKeyDefaults.AdminRole))
            .AddPolicy(DashboardDefaults.Policy, p => p.AddAuthenticationSchemes(DashboardDefaults.Scheme).RequireAuthenticatedUser());
        services.AddAntiforgery(o =>
        {
            o.FormFieldName = DashboardDefaults.CsrfField;
            o.Cookie.Name = DashboardDefaults.CsrfCookie;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemWording.Customize);
        services.AddExceptionHandler<ApiExceptionHandler>();

        // Binding failures throw, so the exception handler answers them as ProblemDetails naming the field.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi(OpenApi.ApiDocument.Configure);
        return services;
    }

    private static void ConfigureSessionCookie(CookieAuthenticationOptions o)
    {
        o.Cookie.Name = DashboardDefaults.SessionCookie;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.ExpireTimeSpan = DashboardDefaults.SessionLifetime;
        o.SlidingExpiration = true;
        o.LoginPath = "/signin";
        o.LogoutPath = "/signout";

        // A session ends when its user is removed or the key it signed in with is rotated or revoked.
        o.Events.OnValidatePrincipal = SessionValidation.ValidateAsync;
    }
}
