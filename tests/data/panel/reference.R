# Reference values for `--waves shared` (tests/cli/panel.rs), from R survey:
#   Rscript reference.R   (writes reference.json beside this script)
# The three waves are one design: strata and PSUs (companies) are shared across the waves, and
# each wave is a domain of it, so the waves' estimates are correlated. Per wave and category: the
# share and SE and degf of the wave's subset; per consecutive pair of
# waves: the difference and its SE with the covariance (svyratio with covmat + svycontrast); the Rao-Scott F tests of
# department x wave over all departments (all waves, and each consecutive pair) and of each
# category x wave. Cases: the design, the design with the fpc column, and the design
# post-stratified to size.csv in each wave on its own (the targets are shares: a wave's totals are
# its sum of design weights times the share), as postStratify on wave x size cells.
suppressPackageStartupMessages({ library(survey); library(jsonlite) })
data <- read.csv("respondents.csv", stringsAsFactors = FALSE)
ids <- c("Marketing" = "marketing", "PR" = "pr", "Sales" = "sales", "HR" = "hr",
         "Customer Service" = "customer_service")
data$dept <- factor(ids[data$department])
data$wave <- factor(data$year)
data$communications <- as.numeric(data$dept %in% c("marketing", "pr"))
for (id in levels(data$dept)) data[[paste0("is_", id)]] <- as.numeric(data$dept == id)
waves <- sort(unique(data$year))
cats <- c(levels(data$dept), "communications")

case_of <- function(des, case) {
  est <- list(); cmp <- list(); tests <- list()
  for (cat in cats) {
    var <- if (cat == "communications") "communications" else paste0("is_", cat)
    # Each wave's share as the ratio of the totals of 1{category, wave} and 1{wave}: svyratio
    # with covmat = TRUE gives the waves' ratios with their covariance (svyby with covmat = TRUE
    # fails on post-stratified designs in survey 4.1; on the others the two agree).
    vars <- des$variables
    named <- vars[[var]] == 1
    d <- des
    for (i in seq_along(waves)) {
      d$variables[[paste0("y", i)]] <- as.numeric(named & vars$year == waves[i])
      d$variables[[paste0("d", i)]] <- as.numeric(vars$year == waves[i])
    }
    ys <- paste0("y", seq_along(waves)); ds <- paste0("d", seq_along(waves))
    r <- svyratio(as.formula(paste("~", paste(ys, collapse = "+"))),
                  as.formula(paste("~", paste(ds, collapse = "+"))), d, covmat = TRUE)
    own <- paste0(ys, "/", ds)
    v <- vcov(r)[own, own]
    for (i in seq_along(waves)) {
      sub <- subset(des, year == waves[i])
      est[[length(est) + 1]] <- list(case = case, wave = waves[i], category = cat,
        share = as.numeric(coef(r)[own[i]]), se = sqrt(v[i, i]), df = degf(sub))
    }
    for (i in seq_len(length(waves) - 1)) {
      k <- setNames(numeric(length(coef(r))), names(coef(r)))
      k[own[i]] <- -1; k[own[i + 1]] <- 1
      con <- svycontrast(r, k)
      indep <- sqrt(v[i, i] + v[i + 1, i + 1])
      cmp[[length(cmp) + 1]] <- list(case = case, category = cat, from_wave = waves[i],
        to_wave = waves[i + 1], diff = as.numeric(coef(con)), se = as.numeric(SE(con)),
        se_independent = indep)
    }
    t <- svychisq(as.formula(paste0("~", var, " + wave")), des, statistic = "F")
    tests[[length(tests) + 1]] <- list(case = case, name = "rao-scott homogeneity", category = cat,
      from_wave = NA, to_wave = NA, statistic = as.numeric(t$statistic),
      df = as.numeric(t$parameter[1]), ddf = as.numeric(t$parameter[2]), p_value = as.numeric(t$p.value))
  }
  all <- svychisq(~dept + wave, des, statistic = "F")
  tests[[length(tests) + 1]] <- list(case = case, name = "rao-scott homogeneity all", category = NA,
    from_wave = NA, to_wave = NA, statistic = as.numeric(all$statistic),
    df = as.numeric(all$parameter[1]), ddf = as.numeric(all$parameter[2]), p_value = as.numeric(all$p.value))
  for (i in seq_len(length(waves) - 1)) {
    # The pair as a domain of the whole design, the third wave's level dropped.
    pair <- update(subset(des, year %in% waves[i:(i + 1)]), pair = factor(year, levels = waves[i:(i + 1)]))
    t <- svychisq(~dept + pair, pair, statistic = "F")
    tests[[length(tests) + 1]] <- list(case = case, name = "rao-scott homogeneity all", category = NA,
      from_wave = waves[i], to_wave = waves[i + 1], statistic = as.numeric(t$statistic),
      df = as.numeric(t$parameter[1]), ddf = as.numeric(t$parameter[2]), p_value = as.numeric(t$p.value))
  }
  list(estimates = est, comparisons = cmp, tests = tests)
}

design <- svydesign(ids = ~company, strata = ~stratum, weights = ~weight, data = data, nest = TRUE)
with_fpc <- svydesign(ids = ~company, strata = ~stratum, weights = ~weight, fpc = ~fpc, data = data, nest = TRUE)
size_t <- c(small = 0.55, medium = 0.30, large = 0.15)
cells <- expand.grid(size = names(size_t), year = waves, stringsAsFactors = FALSE)
cells$Freq <- mapply(function(s, y) sum(weights(design)[data$year == y]) * size_t[[s]], cells$size, cells$year)
weighted <- postStratify(design, ~size + year, cells)
a <- case_of(design, "design"); b <- case_of(with_fpc, "fpc"); c <- case_of(weighted, "poststratify")
out <- list(estimates = c(a$estimates, b$estimates, c$estimates),
            comparisons = c(a$comparisons, b$comparisons, c$comparisons),
            tests = c(a$tests, b$tests, c$tests))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"), "reference.json")
