# Reference values for the calibration tests (tests/cli/weighting.rs), from R survey:
#   Rscript reference.R   (writes reference.json beside this script)
# Each wave is its own design (strata nested in waves) weighted to the targets on its own; the
# targets are shares, so each wave's totals are its sum of design weights times the share.
suppressPackageStartupMessages({ library(survey); library(jsonlite) })
options(digits = 17)
data <- read.csv("respondents.csv", stringsAsFactors = FALSE)
ids <- c("Marketing" = "marketing", "PR" = "pr", "Sales" = "sales", "HR" = "hr",
         "Customer Service" = "customer_service", "IT" = "it")
data$dept <- factor(ids[data$department])
data$size <- factor(data$size)
data$sector <- factor(data$sector)
data$comm <- as.numeric(data$dept %in% c("marketing", "pr"))
size_t <- c(small = 0.62, medium = 0.28, large = 0.10)
sector_t <- c(industry = 0.30, services = 0.50, trade = 0.20)

# Population totals named as the model matrix of ~size + sector names its columns.
totals <- function(des, formula) {
  N <- sum(weights(des))
  mm <- model.matrix(formula, model.frame(formula, des$variables))
  pop <- setNames(numeric(ncol(mm)), colnames(mm))
  pop["(Intercept)"] <- N
  for (l in names(size_t)) if (paste0("size", l) %in% names(pop)) pop[paste0("size", l)] <- N * size_t[[l]]
  for (l in names(sector_t)) if (paste0("sector", l) %in% names(pop)) pop[paste0("sector", l)] <- N * sector_t[[l]]
  pop
}

weigh <- function(des, method) {
  f <- ~size + sector
  switch(method,
    poststratify = postStratify(des, ~size, data.frame(size = names(size_t), Freq = sum(weights(des)) * size_t)),
    rake = calibrate(des, f, totals(des, f), calfun = "raking", epsilon = 1e-13, maxit = 200),
    linear = calibrate(des, f, totals(des, f), calfun = "linear"),
    logit = calibrate(des, f, totals(des, f), calfun = "logit", bounds = c(0.35, 3), epsilon = 1e-13, maxit = 200))
}

out <- list()
# "rake-fpc": raking under the design with its finite population correction (PSUs per stratum).
for (method in c("poststratify", "rake", "linear", "logit", "rake-fpc")) {
  for (wave in sort(unique(data$year))) {
    sub <- data[data$year == wave, ]
    des <- if (method == "rake-fpc") {
      svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc, data = sub, nest = TRUE)
    } else {
      svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = sub, nest = TRUE)
    }
    cal <- weigh(des, sub("-fpc", "", method))
    w <- weights(cal)
    g <- w / weights(des)
    m <- svymean(~dept, cal)
    comm <- svymean(~comm, cal)
    est <- data.frame(category = sub("^dept", "", names(coef(m))), share = unname(coef(m)), se = unname(SE(m)))
    est <- rbind(est, data.frame(category = "communications", share = unname(coef(comm)), se = unname(SE(comm))))
    seg <- NULL
    if (method == "rake") {
      by <- svyby(~dept, ~region, cal, svymean)
      cats <- levels(data$dept)
      seg <- do.call(rbind, lapply(seq_len(nrow(by)), function(i) data.frame(
        segment = by$region[i], category = cats,
        share = unlist(by[i, paste0("dept", cats)]), se = unlist(by[i, paste0("se.dept", cats)]))))
      rownames(seg) <- NULL
    }
    out[[length(out) + 1]] <- list(
      method = method, wave = wave, estimates = est, segments = seg,
      kish_n_effective = sum(w)^2 / sum(w^2), min = min(w), max = max(w), sum = sum(w),
      ratio_min = min(g), ratio_max = max(g))
  }
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", pretty = TRUE), "reference.json")
