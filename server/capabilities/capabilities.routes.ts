import { Router, type Request, type Response } from 'express';
import { actorOf, guardedRouter, publicRoute, requireRole, requireUser } from '../core/guards';
import { DOCUMENT_TYPES_LABEL, refineDocument } from '../core/document-upload';
import { sendUpload } from '../core/file-response';
import { blankForm, formRoute } from '../core/forms';
import { clientIp, noticeOf } from '../core/request-info';
import type { UploadArea } from '../core/upload';
import { validate } from '../core/validate';
import type { OrganisationService } from '../organisations';
import type { TaxonomyService } from '../taxonomy';
import { capabilityFormOptions, capabilityFormValues, presentCapabilityDetail, presentCapabilityFiles, presentCapabilitySummary } from './capabilities.presenter';
import {
  ATTACHMENT_UPLOAD,
  IMAGE_UPLOAD,
  capabilityAttachmentForm,
  capabilityFileParams,
  capabilityForm,
  capabilityImageForm,
  capabilityParams,
} from './capabilities.schemas';
import type { Capability, CapabilityService } from './capabilities.service';

const NOTICES = new Set(['capability-published', 'capability-saved', 'capability-withdrawn', 'capability-attachment-added', 'capability-image-added', 'capability-file-removed']);

export function capabilitiesRoutes(deps: { capabilities: CapabilityService; organisations: OrganisationService; taxonomy: TaxonomyService; uploads: UploadArea }): Router {
  const { capabilities, organisations, taxonomy, uploads } = deps;
  const router = guardedRouter(Router());
  const publisherRoles = requireRole('org-admin', 'org-member');

  /** The form page; when editing, it also lists the listing's files beside their two upload forms. */
  const formLocals = async (req: Request, res: Response, editing?: Capability) => {
    const [context, domains] = await Promise.all([capabilities.formContext(actorOf(req)), taxonomy.listDomains()]);
    const id = typeof req.params.id === 'string' ? req.params.id : null;
    const capability = editing ?? (id ? await capabilities.editable(actorOf(req), id) : null);
    return {
      capabilityId: id,
      ...capabilityFormOptions({ locale: res.locals.locale, domains, directions: context.directions, qualifications: context.qualifications }),
      files: capability ? presentCapabilityFiles(capability) : null,
      attachmentTypes: DOCUMENT_TYPES_LABEL,
      attachmentForm: blankForm(),
      imageForm: blankForm(),
      notice: noticeOf(req, NOTICES),
    };
  };

  /** The edit page with the stored values: its first rendering, and the one that reports a refused upload. */
  const editLocals = async (req: Request, res: Response) => {
    const { id } = validate(capabilityParams, req.params);
    const capability = await capabilities.editable(actorOf(req), id);
    return { ...(await formLocals(req, res, capability)), ...blankForm(capabilityFormValues(capability)) };
  };

  router.get('/organisation/capabilities', publisherRoles, async (req, res) => {
    const [mine, domains] = await Promise.all([capabilities.listMine(actorOf(req)), taxonomy.listDomains()]);
    res.render('capabilities/mine', {
      notice: noticeOf(req, NOTICES),
      organisation: { name: mine.organisation.name, verified: mine.organisation.status === 'verified' },
      capabilities: mine.capabilities.map((capability) => presentCapabilitySummary(capability, { locale: res.locals.locale, domains })),
    });
  });

  router.get('/capabilities/new', publisherRoles, async (req, res) => {
    res.render('capabilities/form', { ...(await formLocals(req, res)), ...blankForm({ direction: 'civil-to-military' }) });
  });

  router.post(
    '/capabilities',
    publisherRoles,
    formRoute(
      'capabilities/form',
      async (req, res) => {
        const input = validate(capabilityForm, req.body);
        const capability = await capabilities.create(actorOf(req), input, clientIp(req));
        res.redirect(303, `/capabilities/${capability.id}?notice=capability-${capability.status === 'published' ? 'published' : 'saved'}`);
      },
      formLocals,
    ),
  );

  router.get('/capabilities/:id', publicRoute, async (req, res) => {
    const { id } = validate(capabilityParams, req.params);
    const [found, domains] = await Promise.all([capabilities.view(actorOf(req), id), taxonomy.listDomains()]);
    res.render('capabilities/show', { notice: noticeOf(req, NOTICES), capability: presentCapabilityDetail(found, { locale: res.locals.locale, domains, organisations }) });
  });

  router.get('/capabilities/:id/edit', publisherRoles, async (req, res) => {
    res.render('capabilities/form', await editLocals(req, res));
  });

  router.post(
    '/capabilities/:id',
    publisherRoles,
    formRoute(
      'capabilities/form',
      async (req, res) => {
        const { id } = validate(capabilityParams, req.params);
        const input = validate(capabilityForm, req.body);
        const capability = await capabilities.update(actorOf(req), id, input, clientIp(req));
        res.redirect(303, `/capabilities/${capability.id}?notice=capability-${capability.status === 'published' ? 'published' : 'saved'}`);
      },
      formLocals,
    ),
  );

  router.post('/capabilities/:id/withdraw', requireUser, async (req, res) => {
    const { id } = validate(capabilityParams, req.params);
    await capabilities.withdraw(actorOf(req), id, clientIp(req));
    res.redirect(303, `/capabilities/${id}?notice=capability-withdrawn`);
  });

  // Files. Uploads are multipart: the CSRF token travels in the query string (see core/csrf.ts).
  router.post(
    '/capabilities/:id/attachments',
    publisherRoles,
    formRoute(
      'capabilities/form',
      async (req, res) => {
        const { id } = validate(capabilityParams, req.params);
        const received = await refineDocument(await uploads.receive(req, res, ATTACHMENT_UPLOAD));
        const { file } = validate(capabilityAttachmentForm, { ...req.body, file: received });
        await capabilities.addFile(actorOf(req), id, 'attachment', { upload: file }, clientIp(req));
        res.redirect(303, `/capabilities/${id}/edit?notice=capability-attachment-added#attachments`);
      },
      editLocals,
      { scope: 'attachmentForm' },
    ),
  );

  router.post(
    '/capabilities/:id/images',
    publisherRoles,
    formRoute(
      'capabilities/form',
      async (req, res) => {
        const { id } = validate(capabilityParams, req.params);
        const received = await uploads.receive(req, res, IMAGE_UPLOAD);
        const { image, caption } = validate(capabilityImageForm, { ...req.body, image: received });
        await capabilities.addFile(actorOf(req), id, 'image', { upload: image, caption }, clientIp(req));
        res.redirect(303, `/capabilities/${id}/edit?notice=capability-image-added#images`);
      },
      editLocals,
      { scope: 'imageForm' },
    ),
  );

  router.post('/capabilities/:id/attachments/:fileId/delete', publisherRoles, async (req, res) => {
    const { id, fileId } = validate(capabilityFileParams, req.params);
    await capabilities.removeFile(actorOf(req), id, 'attachment', fileId, clientIp(req));
    res.redirect(303, `/capabilities/${id}/edit?notice=capability-file-removed#attachments`);
  });

  router.post('/capabilities/:id/images/:fileId/delete', publisherRoles, async (req, res) => {
    const { id, fileId } = validate(capabilityFileParams, req.params);
    await capabilities.removeFile(actorOf(req), id, 'image', fileId, clientIp(req));
    res.redirect(303, `/capabilities/${id}/edit?notice=capability-file-removed#images`);
  });

  // Documents are always downloads, never rendered as a page of ours.
  router.get('/capabilities/:id/attachments/:fileId', publicRoute, async (req, res) => {
    const { id, fileId } = validate(capabilityFileParams, req.params);
    sendUpload(res, await capabilities.openFile(actorOf(req), id, 'attachment', fileId), 'attachment');
  });

  // Only PNG and JPEG get here (by content), so inline display shows a picture and nothing else.
  router.get('/capabilities/:id/images/:fileId', publicRoute, async (req, res) => {
    const { id, fileId } = validate(capabilityFileParams, req.params);
    sendUpload(res, await capabilities.openFile(actorOf(req), id, 'image', fileId), 'inline');
  });

  return router;
}
