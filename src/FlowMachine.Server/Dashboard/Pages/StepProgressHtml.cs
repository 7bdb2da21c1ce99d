using System.Globalization;
using FlowMachine.Engine;
using FlowMachine.Storage;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>A step's last reported progress on the flow page: a bar when it has <c>done</c> and <c>total</c> numbers, else its JSON.</summary>
internal static class StepProgressHtml
{
    private const int MaxJson = 120;

    public static string Render(StepRecord step)
    {
        if (step.Progress is not { } progress)
        {
            return string.Empty;
        }

        var at = step.ProgressAt is { } when ? $" title=\"reported by {Html.E(when.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))} UTC\"" : string.Empty;
        if (ProgressText.TryGetFraction(progress, out var done, out var total))
        {
            var percent = ProgressText.Percent(done, total).ToString(CultureInfo.InvariantCulture);
            return $" <span class=\"step-progress\" data-testid=\"step-progress\"{at}><progress max=\"{N(total)}\" value=\"{N(Math.Clamp(done, 0, total))}\" aria-label=\"Progress of {Html.E(step.Key)}\">{percent} %</progress> " +
                $"<span class=\"muted\">{Html.E(ProgressText.Describe(progress))}</span></span>";
        }

        var json = Html.CompactJson(progress);
        if (json.Length > MaxJson)
        {
            json = json[..(MaxJson - 1)] + "…";
        }

        return $" <span class=\"step-progress mono small\" data-testid=\"step-progress\"{at}>{Html.E(json)}</span>";
    }

    private static string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
