# Reference values for the segment tests (tests/cli/segments.rs), from R survey:
#   Rscript segments.R   (writes segments.json beside this script)
# Each wave is its own design (strata nested in waves). For each wave and category every pair of
# segments is compared by the difference of their domain shares with its design SE, a t-test on degf(design),
# and Holm's adjustment over the pairs of one wave and category. Cases: the design by company
# size, and the design raked to margins.csv by region.
suppressPackageStartupMessages({ library(survey); library(jsonlite) })
data <- read.csv("respondents.csv", stringsAsFactors = FALSE)
ids <- c("Marketing" = "marketing", "PR" = "pr", "Sales" = "sales", "HR" = "hr",
         "Customer Service" = "customer_service", "IT" = "it")
data$dept <- factor(ids[data$department])
data$size <- factor(data$size)
data$sector <- factor(data$sector)
data$communications <- as.numeric(data$dept %in% c("marketing", "pr"))

rake <- function(des) {
  N <- sum(weights(des))
  pop <- c("(Intercept)" = N, sizemedium = 0.28 * N, sizesmall = 0.62 * N,
           sectorservices = 0.50 * N, sectortrade = 0.20 * N)
  calibrate(des, ~size + sector, pop, calfun = "raking", epsilon = 1e-13, maxit = 200)
}

# A domain share is the ratio of the design totals of 1{category, segment} and 1{segment}:
# svyratio(..., covmat = TRUE) gives both segments' ratios with their covariance (svyby with
# covmat = TRUE fails on calibrated designs in survey 4.1), svycontrast their difference.
pairs_of <- function(des, by, case, wave) {
  rows <- list()
  vars <- des$variables
  segments <- sort(unique(as.character(vars[[by]])))
  cats <- c(levels(data$dept), "communications")
  for (cat in cats) {
    named <- if (cat == "communications") vars$communications == 1 else vars$dept == cat
    found <- list()
    for (i in seq_along(segments)) for (j in seq_along(segments)) if (i < j) {
      a <- segments[i]; b <- segments[j]
      d <- update(des, ya = as.numeric(named & vars[[by]] == a), yb = as.numeric(named & vars[[by]] == b),
                  da = as.numeric(vars[[by]] == a), db = as.numeric(vars[[by]] == b))
      r <- svyratio(~ya + yb, ~da + db, d, covmat = TRUE)
      k <- setNames(numeric(4), names(coef(r)))
      k["ya/da"] <- 1; k["yb/db"] <- -1
      con <- svycontrast(r, k)
      diff <- as.numeric(coef(con)); se <- as.numeric(SE(con))
      p <- as.numeric(2 * pt(-abs(diff / se), df = degf(des)))
      found[[length(found) + 1]] <- list(case = case, wave = wave, category = cat,
        segment_a = a, segment_b = b, diff = diff, se = se, df = degf(des), p_value = p)
    }
    holm <- p.adjust(sapply(found, `[[`, "p_value"), "holm")
    for (i in seq_along(found)) found[[i]]$p_holm <- holm[i]
    rows <- c(rows, found)
  }
  rows
}

out <- list()
for (wave in sort(unique(data$year))) {
  sub <- data[data$year == wave, ]
  des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = sub, nest = TRUE)
  out <- c(out, pairs_of(des, "size", "design-size", wave))
  out <- c(out, pairs_of(rake(des), "region", "rake-region", wave))
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "segments.json")
