# Reference values for `--waves shared` (tests/cli/panel.rs), from R survey:
#   Rscript reference.R   (writes reference.json beside this script)
# The three waves are one design: strata and PSUs (companies) are shared across the waves, and
# each wave is a domain of it, so the waves' estimates are correlated. Per wave and category: the
# share and SE (svyby(..., covmat = TRUE)) and degf of the wave's subset; per consecutive pair of
# waves: the difference and its SE with the covariance (svycontrast); the Rao-Scott F tests of
# department x wave over all departments (all waves, and each consecutive pair) and of each
# category x wave. Cases: the design, and the design with the fpc column.
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
    by <- svyby(as.formula(paste0("~", var)), ~wave, des, svymean, covmat = TRUE)
    v <- vcov(by)
    for (i in seq_along(waves)) {
      sub <- subset(des, year == waves[i])
      est[[length(est) + 1]] <- list(case = case, wave = waves[i], category = cat,
        share = as.numeric(coef(by)[i]), se = sqrt(v[i, i]), df = degf(sub))
    }
    for (i in seq_len(length(waves) - 1)) {
      k <- numeric(length(waves)); k[i] <- -1; k[i + 1] <- 1
      con <- svycontrast(by, k)
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
    pair <- update(subset(des, year %in% waves[i:(i + 1)]), pair = factor(year))
    t <- svychisq(~dept + pair, pair, statistic = "F")
    tests[[length(tests) + 1]] <- list(case = case, name = "rao-scott homogeneity all", category = NA,
      from_wave = waves[i], to_wave = waves[i + 1], statistic = as.numeric(t$statistic),
      df = as.numeric(t$parameter[1]), ddf = as.numeric(t$parameter[2]), p_value = as.numeric(t$p.value))
  }
  list(estimates = est, comparisons = cmp, tests = tests)
}

design <- svydesign(ids = ~company, strata = ~stratum, weights = ~weight, data = data, nest = TRUE)
with_fpc <- svydesign(ids = ~company, strata = ~stratum, weights = ~weight, fpc = ~fpc, data = data, nest = TRUE)
a <- case_of(design, "design"); b <- case_of(with_fpc, "fpc")
out <- list(estimates = c(a$estimates, b$estimates), comparisons = c(a$comparisons, b$comparisons),
            tests = c(a$tests, b$tests))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"), "reference.json")
