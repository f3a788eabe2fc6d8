//! Explanations: the loss formula with live values and the guided lesson.

use leptos::prelude::*;

use crate::engine::{Convention, LossTerms, Preset, VicregLossConfig};

use super::state::{self, AppState, Command, Field};

/// Significant digits of the term values written into the formula.
const SIGNIFICANT_DIGITS: i32 = 3;

/// Formats `value` with [`SIGNIFICANT_DIGITS`] significant digits, in scientific notation below
/// 1e-3 and from 1e5 on.
fn format_significant(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    if value == 0.0 {
        return "0".to_string();
    }
    let magnitude = value.abs().log10().floor() as i32;
    if !(-3..5).contains(&magnitude) {
        let decimals = (SIGNIFICANT_DIGITS - 1) as usize;
        return format!("{value:.decimals$e}");
    }
    let decimals = (SIGNIFICANT_DIGITS - 1 - magnitude).max(0) as usize;
    format!("{value:.decimals$}")
}

/// Returns the three weights `[λ, μ, ν]` of `loss`, in formula order.
fn weights(loss: &VicregLossConfig) -> [f64; 3] {
    [
        loss.invariance_weight,
        loss.variance_weight,
        loss.covariance_weight,
    ]
}

/// Returns the three parts of the loss before their weights, in formula order: the invariance, the
/// variance part as `convention` combines the two views, and the covariance part. A part is
/// `None` when its term was switched off at the step that produced `terms`.
fn term_parts(terms: &LossTerms, convention: Convention) -> [Option<f32>; 3] {
    [
        terms.invariance,
        terms.variance(convention),
        terms.covariance(),
    ]
}

/// Returns one sentence on how `convention` scales the terms.
fn convention_text(convention: Convention) -> &'static str {
    match convention {
        Convention::Reference => {
            "Convention: reference, as in the authors' official PyTorch code. The invariance s is \
             averaged over all n·d elements of Z − Z′, and the variance part is halved."
        }
        Convention::Paper => {
            "Convention: paper, the formula as published. The invariance s is summed over the d \
             dimensions and averaged over the n pairs, and both variance terms count in full."
        }
    }
}

/// Renders `Z′`, the embeddings of the second view.
fn z_prime() -> impl IntoView {
    view! {
        <msup>
            <mi>"Z"</mi>
            <mo>"′"</mo>
        </msup>
    }
}

/// Renders `v(Z) + v(Z′)` or `c(Z) + c(Z′)`: the function `name` applied to both views.
fn both_views(name: &'static str) -> impl IntoView {
    view! {
        <mrow>
            <mi>{name}</mi>
            <mo>"("</mo>
            <mi>"Z"</mi>
            <mo>")"</mo>
            <mo>"+"</mo>
            <mi>{name}</mi>
            <mo>"("</mo>
            {z_prime()}
            <mo>")"</mo>
        </mrow>
    }
}

/// Renders the variance part as `convention` combines the two views: `[v(Z) + v(Z′)]` as
/// published (Bardes, Ponce and LeCun, ICLR 2022) and `[v(Z) + v(Z′)] / 2` as in the authors'
/// official PyTorch code.
fn variance_part(convention: Convention) -> AnyView {
    let bracketed = view! {
        <mrow>
            <mo>"["</mo>
            {both_views("v")}
            <mo>"]"</mo>
        </mrow>
    };
    match convention {
        Convention::Paper => bracketed.into_any(),
        Convention::Reference => view! {
            <mfrac>
                {bracketed}
                <mn>"2"</mn>
            </mfrac>
        }
        .into_any(),
    }
}

/// Renders the formula's numeric line, `λ · s + μ · v + ν · c = total`, with the switched-off
/// terms left out. A term switched on since the last step has no value yet and shows a dash.
fn numeric_line(weights: [f64; 3], parts: [Option<f32>; 3], total: f32) -> impl IntoView {
    let mut children = Vec::new();
    for (weight, part) in weights.into_iter().zip(parts) {
        if weight <= 0.0 {
            continue;
        }
        if !children.is_empty() {
            children.push(view! { <mo>"+"</mo> }.into_any());
        }
        let value = part.map_or("–".to_string(), |part| {
            format_significant(f64::from(part))
        });
        children.push(
            view! {
                <mrow>
                    <mn>{weight.to_string()}</mn>
                    <mo>"·"</mo>
                    <mn>{value}</mn>
                </mrow>
            }
            .into_any(),
        );
    }

    view! {
        <math display="block" class="formula-values">
            <mi>"ℓ"</mi>
            <mo>"="</mo>
            {children}
            <mo>"="</mo>
            <mn>{format_significant(f64::from(total))}</mn>
        </math>
    }
}

/// Renders the active VICReg loss formula in MathML: the symbols, then the current weights times
/// the latest term values, the convention and one sentence per term. The section also carries the
/// numbers for scripts: `data-lambda`, `data-mu`, `data-nu` and `data-convention` always, and
/// `data-total`, `data-invariance`, `data-variance` and `data-covariance` once a step has run.
/// The last three are the parts before their weights, as the numeric line shows them.
#[component]
pub fn LossFormula(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let weight_signal =
        move |index: usize| Signal::derive(move || state.config.with(|c| weights(&c.loss)[index]));
    let lambda = weight_signal(0);
    let mu = weight_signal(1);
    let nu = weight_signal(2);
    let gamma = move || state.config.with(|config| config.loss.gamma);
    let convention = move || state.config.with(|config| config.loss.convention);
    let terms = move || state.last_terms.get();
    let part = move |index: usize| {
        move || {
            terms()
                .and_then(|terms| term_parts(&terms, convention())[index])
                .map(|part| part.to_string())
        }
    };

    let numbers = move || {
        terms().map(|terms| {
            let all_weights = [lambda.get(), mu.get(), nu.get()];
            numeric_line(all_weights, term_parts(&terms, convention()), terms.total)
        })
    };
    let off_label = move |weight: Signal<f64>| {
        move || (weight.get() <= 0.0).then(|| view! { <mtext class="off-label">" (off)"</mtext> })
    };
    let note_suffix = move |weight: Signal<f64>| {
        move || {
            if weight.get() <= 0.0 {
                " Off: its weight is 0."
            } else {
                ""
            }
        }
    };

    view! {
        <section
            id="loss-formula"
            class="panel formula"
            data-lambda=move || lambda.get().to_string()
            data-mu=move || mu.get().to_string()
            data-nu=move || nu.get().to_string()
            data-convention=move || convention().name()
            data-total=move || terms().map(|terms| terms.total.to_string())
            data-invariance=part(0)
            data-variance=part(1)
            data-covariance=part(2)
        >
            <h2>"Loss formula"</h2>
            <math display="block" class="formula-symbols">
                <mi>"ℓ"</mi>
                <mo>"="</mo>
                <mrow class="formula-term" class:off=move || lambda.get() <= 0.0>
                    <mi>"λ"</mi>
                    <mo>"·"</mo>
                    <mi>"s"</mi>
                    <mo>"("</mo>
                    <mi>"Z"</mi>
                    <mo>","</mo>
                    {z_prime()}
                    <mo>")"</mo>
                    {off_label(lambda)}
                </mrow>
                <mo>"+"</mo>
                <mrow class="formula-term" class:off=move || mu.get() <= 0.0>
                    <mi>"μ"</mi>
                    <mo>"·"</mo>
                    {move || variance_part(convention())}
                    {off_label(mu)}
                </mrow>
                <mo>"+"</mo>
                <mrow class="formula-term" class:off=move || nu.get() <= 0.0>
                    <mi>"ν"</mi>
                    <mo>"·"</mo>
                    <mo>"["</mo>
                    {both_views("c")}
                    <mo>"]"</mo>
                    {off_label(nu)}
                </mrow>
            </math>
            {numbers}
            <p class="formula-pending" hidden=move || terms().is_some()>
                "The values appear after the first training step."
            </p>
            <p class="formula-convention">{move || convention_text(convention())}</p>
            <ul class="formula-notes">
                <li class:off=move || lambda.get() <= 0.0>
                    <b>"Invariance s"</b>
                    " pulls the embeddings of two views of one image together. On its own it is \
                     minimised by mapping every image to the same point."
                    {note_suffix(lambda)}
                </li>
                <li class:off=move || mu.get() <= 0.0>
                    <b>"Variance v"</b>
                    {move || {
                        format!(
                            " is a hinge, max(0, γ − √(Var + ε)), on each embedding dimension \
                             over the batch. It pushes every std up to γ = {}, which prevents \
                             complete collapse.",
                            gamma(),
                        )
                    }}
                    {note_suffix(mu)}
                </li>
                <li class:off=move || nu.get() <= 0.0>
                    <b>"Covariance c"</b>
                    " sums the squared off-diagonal covariances, divided by d. It decorrelates the \
                     dimensions, which prevents dimensional collapse."
                    {note_suffix(nu)}
                </li>
            </ul>
        </section>
    }
}

/// One step of the guided lesson.
struct LessonStep {
    /// Step number shown on the button and written to `data-step`, from 1.
    number: u8,
    /// Button text after the number.
    title: &'static str,
    /// Preset whose λ, μ and ν the step sets.
    preset: Preset,
    /// Plot changes to look for while this step trains.
    look_for: &'static str,
}

/// The lesson: from complete collapse through dimensional collapse to a healthy embedding. The
/// numbers in the texts come from `tests/regimes.rs`: the digits with the default settings.
static LESSON_STEPS: [LessonStep; 3] = [
    LessonStep {
        number: 1,
        title: "Invariance only",
        preset: Preset::InvarianceOnly,
        look_for: "Look for the std bars falling to 0, far below the dashed γ line, and the \
                   badge turning \"complete\". The PCA axis ticks shrink toward 0 as every image \
                   maps to the same point, and the embedding's k-NN accuracy drifts toward \
                   chance over about 1,500 steps.",
    },
    LessonStep {
        number: 2,
        title: "Add variance (VI-Reg)",
        preset: Preset::ViReg,
        look_for: "Look for the std bars held near the γ line while the heatmap fills with \
                   correlations near ±1. The spectrum falls off after the first one or two \
                   singular values, the effective rank drops below 2.5 and the badge turns \
                   \"dimensional\" within a few hundred steps.",
    },
    LessonStep {
        number: 3,
        title: "Add covariance (VICReg)",
        preset: Preset::Vicreg,
        look_for: "Look for a flatter spectrum and an effective rank several times that of \
                   step 2 (about 6 on the digits). The heatmap stays paler off the diagonal, and \
                   the badge stays \"healthy\".",
    },
];

/// Joins names as "a", "a and b" or "a, b and c".
fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [only] => only.to_string(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
    }
}

/// Describes how λ, μ and ν change from `before` to `after` in one or more sentences without the
/// final full stop, such as "μ set to 25 and switched on".
fn describe_weight_changes(before: &VicregLossConfig, after: &VicregLossConfig) -> String {
    let mut switched_off = Vec::new();
    let mut sentences = Vec::new();
    let names = ["λ", "μ", "ν"];
    for (name, (old, new)) in names
        .into_iter()
        .zip(weights(before).into_iter().zip(weights(after)))
    {
        if old == new {
            continue;
        }
        if new <= 0.0 {
            switched_off.push(name);
        } else if old <= 0.0 {
            sentences.push(format!("{name} set to {new} and switched on"));
        } else {
            sentences.push(format!("{name} set to {new}"));
        }
    }
    if !switched_off.is_empty() {
        sentences.push(format!(
            "{} set to 0 and switched off",
            join_names(&switched_off)
        ));
    }
    if sentences.is_empty() {
        return "λ, μ and ν already had these weights".to_string();
    }
    sentences.join(". ")
}

/// Builds the lesson message after `step` set its weights, where `changes` is the output of
/// [`describe_weight_changes`].
fn lesson_message(step: &LessonStep, changes: &str) -> String {
    format!(
        "Step {}, {}: {changes}. Training starts again from fresh weights at step 0. {} Press \
         Play to train, and raise the steps per frame to get there faster.",
        step.number, step.title, step.look_for
    )
}

/// Renders the guided lesson in three steps: invariance only, then variance (VI-Reg), then
/// covariance (VICReg).
///
/// Each step button sets λ, μ and ν to its preset, keeping γ, ε, the convention and every other
/// setting, and resets to fresh weights. It does not start training. The section's `data-step` is
/// the number of the last step chosen, absent before the first, and `#lesson-message` contains what
/// changed and what to look for.
#[component]
pub fn Lesson(
    /// The page's state.
    state: AppState,
) -> impl IntoView {
    let (active, set_active) = signal(None::<&'static LessonStep>);
    let (message, set_message) = signal(
        "Pick step 1 to start. Each step sets λ, μ and ν and starts again from fresh weights."
            .to_string(),
    );
    let disabled = move || !state.ready.get();
    let weights_moved = move || {
        active.get().is_some_and(|step| {
            !state
                .config
                .with(|config| step.preset.has_weights_of(&config.loss))
        })
    };

    let choose = move |step: &'static LessonStep| {
        let before = state.config.with_untracked(|config| config.loss.clone());
        let after = step.preset.loss();
        state.change_config(Field::Preset, |config| {
            config.loss = step.preset.weights_on(&config.loss);
            Ok(())
        });
        let rejected = state.field_errors.with_untracked(|errors| {
            errors
                .iter()
                .find(|(field, _)| *field == Field::Preset)
                .map(|(_, error)| error.clone())
        });
        if let Some(error) = rejected {
            set_message.set(format!(
                "Step {} could not set the weights: {error}",
                step.number
            ));
            return;
        }

        state::send(Command::Reset);
        set_active.set(Some(step));
        let changes = describe_weight_changes(&before, &after);
        set_message.set(lesson_message(step, &changes));
    };

    let buttons = LESSON_STEPS
        .iter()
        .map(|step| {
            let pressed = move || {
                active
                    .get()
                    .is_some_and(|active| active.number == step.number)
            };
            view! {
                <button
                    type="button"
                    data-lesson-step=step.number.to_string()
                    class:active=pressed
                    aria-pressed=move || pressed().to_string()
                    disabled=disabled
                    on:click=move |_| choose(step)
                >
                    {format!("{}. {}", step.number, step.title)}
                </button>
            }
        })
        .collect_view();

    view! {
        <section
            id="lesson"
            class="panel lesson"
            data-step=move || active.get().map(|step| step.number.to_string())
        >
            <h2>"Lesson: from collapse to VICReg"</h2>
            <div class="lesson-steps" role="group" aria-label="lesson steps">
                {buttons}
            </div>
            <p id="lesson-message" aria-live="polite">
                {message}
            </p>
            <p class="lesson-moved" hidden=move || !weights_moved()>
                "λ, μ or ν changed since this step, so the plots may not match its description."
            </p>
        </section>
    }
}
